"""Split a topic query into tokens, each with its 0-based offset in the query.

The lexer knows the surface syntax only: words, "phrases", parentheses, the upper-case
keywords AND / OR / NOT / NEAR/n / ONEAR/n, the ``-`` exclusion prefix and ``field:`` scopes.
What a word means (folding, wildcards) is decided by the parser.
"""

from __future__ import annotations

import dataclasses
import enum
import re

from newswatch.core.errors import QueryError

# straight and typographic quotes: journalists paste queries from word processors
QUOTES = frozenset('"“”„')
# token fields hold words; meta fields hold one value compared as a whole
TOKEN_FIELDS = ("title", "text", "feed")
META_FIELDS = ("source", "url", "lang")
FIELDS = TOKEN_FIELDS + META_FIELDS
MAX_DISTANCE = 100

_KEYWORDS = {"AND", "OR", "NOT"}
_NEAR = re.compile(r"(O?NEAR)(?:/(\d*))?$")
_FIELD = re.compile(r"([A-Za-z]+):")
_WORD_END = frozenset("()") | QUOTES
# a word runs to the next space, parenthesis or quote
_WORD_RUN = re.compile(r"[^\s" + re.escape("".join(sorted(_WORD_END))) + "]*")


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


@dataclasses.dataclass(frozen=True, slots=True)
class Token:
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
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(Token(Kind.LPAREN, ch, i))
            i += 1
        elif ch == ")":
            tokens.append(Token(Kind.RPAREN, ch, i))
            i += 1
        elif ch in QUOTES:
            i = _phrase(query, i, tokens)
        elif ch == "-":
            if i + 1 >= n or query[i + 1].isspace() or query[i + 1] == ")":
                raise QueryError(
                    "a lone '-' excludes nothing",
                    query=query,
                    position=i,
                    hint='attach it to what it excludes, e.g. -sport or -"transfer window"',
                )
            tokens.append(Token(Kind.MINUS, ch, i))
            i += 1
        else:
            i = _word(query, i, tokens)
    tokens.append(Token(Kind.END, "", n))
    return tokens


def _phrase(query: str, start: int, tokens: list[Token]) -> int:
    end = start + 1
    while end < len(query) and query[end] not in QUOTES:
        end += 1
    if end >= len(query):
        raise QueryError(
            "this quote is never closed",
            query=query,
            position=start,
            hint='close the phrase with a second ", e.g. "arrest warrant"',
        )
    tokens.append(Token(Kind.PHRASE, query[start + 1 : end], start))
    return end + 1


def _word(query: str, start: int, tokens: list[Token]) -> int:
    end = _WORD_RUN.match(query, start).end()  # type: ignore[union-attr]  # matches empty
    word = query[start:end]
    if word in _KEYWORDS:
        tokens.append(Token(Kind(word), word, start))
        return end
    near = _NEAR.match(word)
    if near:
        tokens.append(_near_token(query, start, word, near))
        return end
    field = _FIELD.match(word)
    if field:
        return _field(query, start, end, field.group(1), tokens)
    tokens.append(Token(Kind.WORD, word, start))
    return end


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


def _field(query: str, start: int, end: int, name: str, tokens: list[Token]) -> int:
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
        return end
    if end >= len(query) or query[end].isspace() or query[end] == ")":
        raise QueryError(
            f"{field}: is not followed by anything to search for",
            query=query,
            position=start,
            hint=f'write the value right after the colon, e.g. {field}:summit or {field}:"…"',
        )
    return end
