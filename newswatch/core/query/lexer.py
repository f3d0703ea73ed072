"""Split a topic query into tokens, each with its 0-based offset in the query.

The lexer knows the surface syntax only: words, "phrases", parentheses, the upper-case
keywords AND / OR / NOT / NEAR/n / ONEAR/n, the ``-`` exclusion prefix and ``field:`` scopes.
What a word means (folding, wildcards) is decided by the parser.
"""

from __future__ import annotations

import enum
import re
import sys
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
# parenthesis, the quote opening a phrase, a '-', or a word, which runs to the next space,
# parenthesis or quote (a '-' inside a word is part of it). Every character but a space
# starts exactly one of these, so one match per token walks the query: a regex instead of a
# loop over characters (the lexer was a third of parsing the topics of a large catalogue).
_NEXT = re.compile(rf"\s*(?:([()])|([{_QUOTES}])|(-)|([^\s(){_QUOTES}]+))")
_CLOSE = re.compile(f"[{_QUOTES}]")


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


def tokenize_query(query: str) -> list[Token]:
    """The tokens of ``query``, ending with one END token."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    match = _NEXT.match
    while True:
        found = match(query, i)
        if found is None:  # only spaces left
            break
        paren, quote, minus, word = found.groups()
        start = found.start(found.lastindex or 0)
        i = found.end()
        if word is not None:
            _word(query, start, i, word, tokens)
        elif paren is not None:
            tokens.append(Token(Kind.LPAREN if paren == "(" else Kind.RPAREN, paren, start))
        elif quote is not None:
            i = _phrase(query, start, tokens)
        elif minus is not None:
            if i >= n or query[i].isspace() or query[i] == ")":
                raise QueryError(
                    "a lone '-' excludes nothing",
                    query=query,
                    position=start,
                    hint='attach it to what it excludes, e.g. -sport or -"transfer window"',
                )
            tokens.append(Token(Kind.MINUS, minus, start))
    tokens.append(Token(Kind.END, "", n))
    return tokens


def _phrase(query: str, start: int, tokens: list[Token]) -> int:
    close = _CLOSE.search(query, start + 1)
    if close is None:
        raise QueryError(
            "this quote is never closed",
            query=query,
            position=start,
            hint='close the phrase with a second ", e.g. "arrest warrant"',
        )
    end = close.start()
    tokens.append(Token(Kind.PHRASE, query[start + 1 : end], start))
    return end + 1


def _word(query: str, start: int, end: int, word: str, tokens: list[Token]) -> None:
    keyword = _KEYWORDS.get(word)
    if keyword is not None:
        tokens.append(Token(keyword, word, start))
        return
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
