"""Recursive-descent parser from tokens to the syntax tree.

Grammar (precedence NOT > NEAR > AND > OR; AND is implicit between adjacent operands)::

    query   := or END
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*
    unary   := ("NOT" | "-") unary | near
    near    := primary (("NEAR/n" | "ONEAR/n") primary)*
    primary := WORD | PHRASE | "(" or ")" | FIELD primary

Every fault raises QueryError with the offset of the token at fault and a hint.
"""

from __future__ import annotations

import re
import sys

from newswatch.core.errors import QueryError
from newswatch.core.memo import Memo
from newswatch.core.query.ast import (
    And,
    Meta,
    Near,
    Node,
    Not,
    Or,
    WordPattern,
    Words,
    is_positive,
)
from newswatch.core.query.lexer import META_FIELDS, Kind, Token, tokenize_query
from newswatch.core.text import MARKS, fold, is_cjk, normalize_whitespace, tokenize

MIN_PREFIX = 2
# characters: a bound on parse work for untrusted queries. People type a few hundred. The
# curated multilingual topics of the shipped pack (newswatch/topics/) are held to it as they
# are written (each named list once); their written-out form, which only the pack itself
# parses (newswatch.core.pack), has its own bound there.
MAX_QUERY_LENGTH = 64_000
MAX_DEPTH = 40  # nested groups and exclusions: keeps recursion far from Python's limit
_STARTS = frozenset({Kind.WORD, Kind.PHRASE, Kind.LPAREN, Kind.NOT, Kind.MINUS, Kind.FIELD})
_BINARY = frozenset({Kind.AND, Kind.OR, Kind.NEAR})
# the kinds as plain names: on Python 3.11 ``Kind.OR`` costs a descriptor call (a fifth of a
# microsecond), and the parser asks the kind of every token of every topic of a catalogue
_WORD, _PHRASE, _LPAREN, _RPAREN = Kind.WORD, Kind.PHRASE, Kind.LPAREN, Kind.RPAREN
_AND, _OR, _NOT, _MINUS = Kind.AND, Kind.OR, Kind.NOT, Kind.MINUS
_NEAR, _FIELD, _END = Kind.NEAR, Kind.FIELD, Kind.END
# a run of word characters in the query as written; combining marks count (NFD input,
# vowel signs and viramas of Indic scripts)
_RUN = re.compile(rf"[\w{MARKS}]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")  # what tokenize() finds in ASCII text
_LANG = re.compile(r"[a-z]{2}(?:[-_][a-z0-9]+)*")


def parse_tree(query: str, max_length: int = MAX_QUERY_LENGTH) -> Node:
    """Parse ``query`` into a tree that can select articles, or raise QueryError.
    ``max_length``: the cap on its characters; the default is the one for untrusted text."""
    if not query.strip():
        raise QueryError(
            "the query is empty",
            query=query,
            position=0,
            hint='write at least one word or "phrase" to look for',
        )
    if len(query) > max_length:
        raise QueryError(
            f"the query is longer than {max_length} characters",
            query=query,
            position=max_length,
            hint="split it into several topics",
        )
    node = _Parser(query, tokenize_query(query)).parse()
    if "-" not in query and "NOT" not in query:
        return node  # nothing excluded: every node requires something
    _check_alternatives(node, query)
    if not is_positive(node):
        raise QueryError(
            "the query only excludes and has nothing to look for",
            query=query,
            position=first_position(node),
            hint="an exclusion alone selects nothing useful: add a word or phrase to look for, "
            "e.g. Olympics -doping",
        )
    return node


def first_position(node: Node) -> int:
    if isinstance(node, And | Or):
        return first_position(node.children[0])
    return node.position


# tuples: ``A | B`` in an isinstance test would build the union at each call
_GROUPS = (And, Or)
_SPANS = (Words, Near)


def _check_alternatives(node: Node, query: str) -> None:
    """Refuse ``a OR -b``: that alternative would match almost every article."""
    if isinstance(node, Or):
        for child in node.children:
            if not is_positive(child):
                raise QueryError(
                    "this OR alternative only excludes",
                    query=query,
                    position=first_position(child),
                    hint="'a OR -b' matches almost every article; to exclude, drop the OR: a -b",
                )
    if isinstance(node, _GROUPS):
        for child in node.children:
            _check_alternatives(child, query)


class _Parser:
    def __init__(self, query: str, tokens: list[Token]) -> None:
        self.query = query
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def parse(self) -> Node:
        node = self._or(None)
        tok = self._peek()
        if tok.kind is _RPAREN:
            raise self._error(
                "')' has no matching '('", tok, "remove it, or add the '(' that opens the group"
            )
        return node

    # -- token stream -------------------------------------------------------------------
    def _peek(self) -> Token:
        return self.tokens[self.index]

    def _next(self) -> Token:
        tok = self.tokens[self.index]
        self.index += 1
        return tok

    def _error(self, message: str, tok: Token, hint: str) -> QueryError:
        return QueryError(message, query=self.query, position=tok.position, hint=hint)

    # -- grammar ------------------------------------------------------------------------
    # (the token list is read in place rather than through _peek/_next: these run for every
    # operand of every topic of a catalogue)
    def _or(self, scope: str | None) -> Node:
        first = self._and(scope)
        tokens = self.tokens
        if tokens[self.index].kind is not _OR:
            return first
        children = [first]
        while tokens[self.index].kind is _OR:
            op = tokens[self.index]
            self.index += 1
            children.append(self._and(scope, op))
        return _flatten(Or, children)

    def _and(self, scope: str | None, after: Token | None = None) -> Node:
        first = self._unary(scope, after)
        tokens = self.tokens
        kind = tokens[self.index].kind
        if kind is not _AND and kind not in _STARTS:
            return first
        children = [first]
        while True:
            tok = tokens[self.index]
            if tok.kind is _AND:
                self.index += 1
                children.append(self._unary(scope, tok))
            elif tok.kind in _STARTS:
                children.append(self._unary(scope, None))
            else:
                return _flatten(And, children)

    def _unary(self, scope: str | None, after: Token | None) -> Node:
        tok = self.tokens[self.index]
        if tok.kind is _NOT or tok.kind is _MINUS:
            self.index += 1
            self._enter(tok)
            child = self._unary(scope, tok)
            self.depth -= 1
            return Not(child, position=tok.position)
        left = self._primary(scope, after)
        while self.tokens[self.index].kind is _NEAR:
            left = self._near(scope, left)
        return left

    def _near(self, scope: str | None, left: Node) -> Node:
        op = self._next()
        right = self._primary(scope, op)
        for side in (left, right):
            if not _is_span(side):
                raise self._error(
                    f"{op.label} can only join words, phrases and OR groups of them",
                    op,
                    f"keep AND, NOT and {', '.join(f + ':' for f in META_FIELDS)} outside "
                    f"the proximity, e.g. (Putin {op.label} summit) AND Moscow",
                )
        return Near(left, right, op.distance, op.ordered, position=op.position)

    def _primary(self, scope: str | None, after: Token | None) -> Node:
        tok = self.tokens[self.index]
        kind = tok.kind
        if kind is _WORD:
            self.index += 1
            text = tok.text
            if (scope is None or scope not in META_FIELDS) and "*" not in text and text.isascii():
                words = _plain_patterns[text]  # most terms (what _word does, one call less)
                if words:
                    return Words(words, text, scope, False, tok.position)
            return self._word(tok, scope)
        if kind is _PHRASE:
            self.index += 1
            return self._phrase(tok, scope)
        if kind is _LPAREN:
            return self._group(scope)
        if kind is _FIELD:
            self.index += 1
            if scope is not None:
                raise self._error(
                    f"{tok.text}: cannot be used inside {scope}:(…)",
                    tok,
                    "field scopes do not nest; write them side by side: title:(a OR b) text:c",
                )
            return self._primary(tok.text, tok)
        raise self._missing_operand(tok, after)

    def _group(self, scope: str | None) -> Node:
        opening = self._next()
        inside = self._peek().kind
        if inside is _RPAREN:
            raise self._error(
                "empty parentheses",
                opening,
                "put words inside, e.g. (summit OR talks), or remove them",
            )
        if inside is _END:
            raise self._unclosed(opening)
        self._enter(opening)
        node = self._or(scope)
        if self._peek().kind is not _RPAREN:
            raise self._unclosed(opening)
        self._next()
        self.depth -= 1
        return node

    def _enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._error(
                f"groups and exclusions are nested more than {MAX_DEPTH} deep",
                tok,
                "simplify the query or split it into several topics",
            )

    def _unclosed(self, opening: Token) -> QueryError:
        return self._error(
            "this parenthesis is never closed",
            opening,
            "add a ')' after the last word of the group",
        )

    def _missing_operand(self, tok: Token, after: Token | None) -> QueryError:
        if after is not None and after.kind in _BINARY:
            if after.kind is Kind.NEAR and tok.kind in (Kind.NOT, Kind.MINUS):
                return self._error(
                    f"{after.label} cannot join an exclusion",
                    tok,
                    f"exclude outside the proximity: (a {after.label} b) -c",
                )
            return self._error(
                f"nothing to search for after {after.label}",
                after,
                f"{after.label} needs a term on both sides",
            )
        if after is not None:  # NOT, '-', or a field scope
            what = "a field scope" if after.kind is Kind.FIELD else after.label
            return self._error(
                f"nothing to search for after {what}",
                after,
                f"{after.label} needs a word, a phrase or a (group) right after it",
            )
        if tok.kind in _BINARY:
            return self._error(
                f"nothing to search for before {tok.label}",
                tok,
                f"{tok.label} needs a term on both sides",
            )
        if tok.kind is Kind.RPAREN:
            return self._error(
                "')' has no matching '('", tok, "remove it, or add the '(' that opens the group"
            )
        return self._error("the query ends too early", tok, "finish the query")  # pragma: no cover

    # -- leaves -------------------------------------------------------------------------
    def _word(self, tok: Token, scope: str | None) -> Node:
        if scope is not None and scope in META_FIELDS:
            return self._meta(tok, tok.text, scope or "")
        words = self._patterns(tok.text, tok.position)
        return Words(words, tok.text, scope, quoted=False, position=tok.position)

    def _phrase(self, tok: Token, scope: str | None) -> Node:
        if not tok.text.strip():
            raise self._error(
                "this phrase is empty", tok, 'write words between the quotes, e.g. "arrest warrant"'
            )
        if scope in META_FIELDS:
            return self._meta(tok, tok.text.strip(), scope or "")
        words = self._patterns(tok.text, tok.position + 1)
        text = _phrase_text[tok.text]
        return Words(words, text, scope, quoted=True, position=tok.position)

    def _meta(self, tok: Token, raw: str, field: str) -> Meta:
        value = fold(raw)
        if "*" in value:
            raise self._error(
                f"wildcards do not work on {field}:",
                tok,
                f"{field}: compares the whole value; * works on words, e.g. warrant*",
            )
        if field == "lang":
            if not _LANG.fullmatch(value):
                raise self._error(
                    f"'{raw}' is not a language code",
                    tok,
                    "write a two-letter code, e.g. lang:en or lang:(fr OR es)",
                )
            value = value[:2]
        elif field == "source":
            value = value.split("://", 1)[-1].split("/", 1)[0].removeprefix("www.")
        return Meta(field, value, position=tok.position)

    def _patterns(self, raw: str, offset: int) -> tuple[WordPattern, ...]:
        """The folded words of a term or phrase, checking where ``*`` wildcards stand."""
        if "*" not in raw and raw.isascii():  # the usual case, faster: the same words
            plain = _plain_patterns[raw]
            if plain:
                return plain
        for i, ch in enumerate(raw):
            if ch != "*":
                continue
            if i == 0 or not _RUN.match(raw[i - 1]):
                raise QueryError(
                    "'*' must follow the beginning of a word",
                    query=self.query,
                    position=offset + i,
                    hint="write the start of the word, then *, e.g. warrant*",
                )
            if i + 1 < len(raw) and _RUN.match(raw[i + 1]):
                raise QueryError(
                    "'*' only works at the end of a word",
                    query=self.query,
                    position=offset + i,
                    hint="write the start of the word, then *, e.g. warrant*",
                )
        words: list[WordPattern] = []
        for run in _RUN.finditer(raw):
            folded = tokenize(run.group())
            if not folded:
                continue
            words.extend(WordPattern(w) for w in folded[:-1])
            last = folded[-1]
            # a CJK term already matches wherever its characters start a run: * adds nothing
            prefix = raw.startswith("*", run.end()) and not is_cjk(last)
            if prefix and len(last) < MIN_PREFIX:
                raise QueryError(
                    f"'{last}*' is too short to search for",
                    query=self.query,
                    position=offset + run.start(),
                    hint=f"give at least {MIN_PREFIX} letters before *",
                )
            words.append(WordPattern(last, prefix))
        if not words:
            raise QueryError(
                f"'{raw.strip()}' has no letters or digits to search for",
                query=self.query,
                position=offset,
                hint="remove it, or write the word you mean; use AND / OR for logic",
            )
        return tuple(words)


def _ascii_patterns(raw: str) -> tuple[WordPattern, ...]:
    return tuple(WordPattern(w) for w in _ASCII_WORD.findall(raw.lower()))


def _spaced(raw: str) -> str:
    return sys.intern(normalize_whitespace(raw))  # interned as the lexer does for words


# a phrase as reported, its spaces normalised, kept as the words below are
_phrase_text: Memo[str, str] = Memo(_spaced)
# the words of an ASCII term or phrase without wildcards. Kept: the topics of a catalogue
# repeat their words, and share these values (one parse less, less memory)
_plain_patterns: Memo[str, tuple[WordPattern, ...]] = Memo(_ascii_patterns)


def _is_span(node: Node) -> bool:
    """Whether a node yields word positions, so NEAR can measure distances with it."""
    if isinstance(node, _SPANS):
        return True
    if isinstance(node, Or):
        return all(_is_span(c) for c in node.children)
    return False


def _flatten(kind: type[And] | type[Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))
