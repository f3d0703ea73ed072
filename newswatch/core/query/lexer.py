"""Split a topic query into tokens, each with its 0-based offset in the query.

The lexer knows the surface syntax only: words, "phrases", parentheses, the upper-case
keywords AND / OR / NOT / NEAR/n / ONEAR/n, the ``-`` exclusion prefix and ``field:`` scopes.
What a word means (folding, wildcards) is decided by the parser.
"""

from __future__ import annotations

import enum
import functools
import re
import sys
from collections.abc import Callable
from typing import NamedTuple

from newswatch.core.errors import QueryError

# straight and typographic quotes: journalists paste queries from word processors
QUOTES = frozenset('"“”„')
# token fields hold words; meta fields hold one value compared as a whole
TOKEN_FIELDS = ("title", "text", "feed")
META_FIELDS = ("source", "url", "lang")
FIELDS = TOKEN_FIELDS + META_FIELDS
MAX_DISTANCE = 100

_NEAR = re.compile(r"(O?NEAR)(?:/(\d*))?$")
_FIELD = re.compile(r"([A-Za-z]+):")
_QUOTES = "".join(sorted(QUOTES))
# The next token, after the spaces before it (``\s`` is what ``str.isspace`` is): a
# parenthesis, a phrase (a quote, the inside, the quote closing it: empty when it is never
# closed), a '-', or a word, which runs to the next space, parenthesis or quote (a '-' inside
# a word is part of it). Every character but a space starts exactly one of these, so the
# matches one after the other walk the query: a regex instead of a loop over characters (the
# lexer was a third of parsing the topics of a large catalogue).
_NEXT = re.compile(
    rf"\s*(?:([()])|[{_QUOTES}]([^{_QUOTES}]*)([{_QUOTES}]?)|(-)|([^\s(){_QUOTES}]+))"
)


class Kind(enum.StrEnum):
    WORD = "word"
    PHRASE = "phrase"
    LPAREN = "("
    RPAREN = ")"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    MINUS = "-"
    NEAR = "NEAR"
    FIELD = "field"
    END = "end of query"


_KEYWORDS = {"AND": Kind.AND, "OR": Kind.OR, "NOT": Kind.NOT}
# the kinds the lexer makes most, as plain names: on Python 3.11 ``Kind.WORD`` costs a
# descriptor call (a fifth of a microsecond), and every token of every topic is made here
_WORD, _PHRASE, _MINUS, _END = Kind.WORD, Kind.PHRASE, Kind.MINUS, Kind.END
_LPAREN, _RPAREN = Kind.LPAREN, Kind.RPAREN


class Token(NamedTuple):
    """A token: a tuple, the cheapest value to make (a query is tokenised once per topic)."""

    kind: Kind
    text: str  # WORD: the word as written; PHRASE: the inside of the quotes; FIELD: the name
    position: int  # offset of the token's first character in the query
    distance: int = 0  # NEAR only
    ordered: bool = False  # NEAR only: ONEAR keeps the order of its operands

    @property
    def label(self) -> str:
        """How to name this token in an error message."""
        if self.kind is Kind.NEAR:
            return f"{'ONEAR' if self.ordered else 'NEAR'}/{self.distance}"
        return self.kind.value


# a token from its five fields, a tuple made in C: ``Token(...)`` runs a Python ``__new__``
# (four times as long), for every token of every topic of a catalogue
_token: Callable[[tuple[Kind, str, int, int, bool]], Token] = functools.partial(
    tuple.__new__, Token
)


def tokenize_query(query: str) -> list[Token]:
    """The tokens of ``query``, ending with one END token."""
    tokens: list[Token] = []
    append = tokens.append
    n = len(query)
    for found in _NEXT.finditer(query):
        paren, inside, close, minus, word = found.groups()
        end = found.end()
        if word is not None:
            start = end - len(word)
            keyword = _KEYWORDS.get(word)
            if keyword is not None:
                append(_token((keyword, word, start, 0, False)))
            elif "NEAR" in word or ":" in word:
                _word(query, start, end, word, tokens)
            else:  # interned: the words of a catalogue's topics repeat, and the tree keeps them
                append(_token((_WORD, sys.intern(word), start, 0, False)))
        elif inside is not None:
            start = found.start(2) - 1
            if not close:
                raise QueryError(
                    "this quote is never closed",
                    query=query,
                    position=start,
                    hint='close the phrase with a second ", e.g. "arrest warrant"',
                )
            append(_token((_PHRASE, inside, start, 0, False)))
        elif paren is not None:
            append(_token((_LPAREN if paren == "(" else _RPAREN, paren, end - 1, 0, False)))
        elif minus is not None:
            if end >= n or query[end].isspace() or query[end] == ")":
                raise QueryError(
                    "a lone '-' excludes nothing",
                    query=query,
                    position=end - 1,
                    hint='attach it to what it excludes, e.g. -sport or -"transfer window"',
                )
            append(_token((_MINUS, minus, end - 1, 0, False)))
    append(_token((_END, "", n, 0, False)))
    return tokens


def _word(query: str, start: int, end: int, word: str, tokens: list[Token]) -> None:
    """The token(s) of a word holding NEAR or a ':' (keywords and plain words are made in
    ``tokenize_query``): a proximity operator, a field and its value, or a plain word."""
    if "NEAR" in word:
        near = _NEAR.match(word)
        if near:
            tokens.append(_near_token(query, start, word, near))
            return
    if ":" in word:
        field = _FIELD.match(word)
        if field:
            _field(query, start, end, field.group(1), tokens)
            return
    # interned: the words of a catalogue's topics repeat, and the tree keeps them
    tokens.append(Token(Kind.WORD, sys.intern(word), start))


def _near_token(query: str, start: int, word: str, near: re.Match[str]) -> Token:
    name, digits = near.group(1), near.group(2)
    if not digits:
        raise QueryError(
            f"{name} needs a distance in words",
            query=query,
            position=start,
            hint=f"write it like {name}/5 (at most 5 words apart)",
        )
    distance = int(digits)
    if distance > MAX_DISTANCE:
        raise QueryError(
            f"{name}/{distance} is too far apart to mean anything",
            query=query,
            position=start,
            hint=f"use a distance of at most {MAX_DISTANCE} words, or AND",
        )
    return Token(Kind.NEAR, word, start, distance, name == "ONEAR")


def _field(query: str, start: int, end: int, name: str, tokens: list[Token]) -> None:
    field = name.lower()
    if field not in FIELDS:
        raise QueryError(
            f"unknown field '{name}:'",
            query=query,
            position=start,
            hint=f"fields are {', '.join(f + ':' for f in FIELDS)}; "
            f'to search for "{query[start:end]}" as words, put it in quotes',
        )
    tokens.append(Token(Kind.FIELD, field, start))
    value_start = start + len(name) + 1
    if value_start < end:
        if query[value_start] == "-":
            raise QueryError(
                f"an exclusion cannot follow {field}:",
                query=query,
                position=value_start,
                hint=f"put the '-' before the field: -{field}:{query[value_start + 1 : end]}",
            )
        tokens.append(Token(Kind.WORD, query[value_start:end], value_start))
        return
    if end >= len(query) or query[end].isspace() or query[end] == ")":
        raise QueryError(
            f"{field}: is not followed by anything to search for",
            query=query,
            position=start,
            hint=f'write the value right after the colon, e.g. {field}:summit or {field}:"…"',
        )
