"""A query compiled once for matching many documents: its tree turned into small node objects
whose terms are interned to integer ids, evaluated against a per-document state that looks
every term's positions up once and shares them with every topic, and that reports the words
found in the same pass.

The plain evaluator (``evaluator.py``) is the reference: the property tests hold this to
agree with it, on what matches and on what is reported. Hits are kept as plain tuples
``(term as written, field, span)`` — what a highlight is made of.
"""

from __future__ import annotations

from newswatch.core.query.ast import And, Meta, Near, Node, Not, Or, WordPattern, Words
from newswatch.core.query.document import WORD_FIELDS, MatchDocument, Span
from newswatch.core.query.evaluator import DEFAULT_FIELDS, meta_matches, near
from newswatch.core.query.highlight import Highlight, highlight, matched_words, select

# a hit: the term as written in the query, the field, the token span
Hit = tuple[str, str, Span]
Occurrence = tuple[Span, tuple[Hit, ...]]
Found = dict[Hit, None]  # ordered, without repeats


class Interner:
    """Integer ids for the word sequences of all compiled queries (shared by a matcher)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[WordPattern, ...], int] = {}

    def __call__(self, words: tuple[WordPattern, ...]) -> int:
        found = self._ids.get(words)
        if found is None:
            found = self._ids[words] = len(self._ids)
        return found


class DocumentState:
    """One document as every compiled query sees it: the spans of each word sequence in each
    field, looked up once; the highlights and reports of hits, made once."""

    def __init__(self, doc: MatchDocument) -> None:
        self.doc = doc
        self._spans: dict[tuple[int, str], list[Span]] = {}
        self.near: dict[tuple[int, str], list[Occurrence]] = {}  # by id() of a CompiledNear
        self._highlights: dict[Hit, Highlight] = {}
        self._reports: dict[tuple[Hit, ...], tuple[list[str], tuple[Highlight, ...]]] = {}

    def spans(self, term: CompiledWords, field: str) -> list[Span]:
        key = (term.id, field)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = self.doc.field(field).find(term.node.words)
        return found

    def report(self, program: Compiled) -> tuple[list[str], tuple[Highlight, ...]]:
        """(matched words, highlights) of a program that matches, as the reference makes
        them from its hits; topics reporting the same hits share them."""
        collected: Found = {}
        program.collect(self, collected)
        hits = tuple(collected)
        found = self._reports.get(hits)
        if found is None:
            highlights = select((self._highlight(h) for h in hits), nested=False)
            found = self._reports[hits] = (matched_words(highlights), highlights)
        return found

    def _highlight(self, hit: Hit) -> Highlight:
        made = self._highlights.get(hit)
        if made is None:
            made = self._highlights[hit] = highlight(self.doc, *hit)
        return made


class CompiledWords:
    __slots__ = ("exact", "fields", "id", "node", "single", "text")

    def __init__(self, node: Words, intern: Interner) -> None:
        self.node = node
        self.text = node.text
        self.id = intern(node.words)
        self.fields = (node.field,) if node.field else DEFAULT_FIELDS
        # the words without a wildcard: all must be somewhere in the document
        self.exact = tuple(dict.fromkeys(w.word for w in node.words if not w.prefix))
        one = node.words[0]
        self.single = one.word if len(node.words) == 1 and not one.prefix else None

    def matches(self, state: DocumentState) -> bool:
        doc = state.doc
        if self.single is not None:  # one word: a set look-up per field, no positions
            return any(self.single in doc.field(f).words for f in self.fields)
        words = doc.words
        if not all(w in words for w in self.exact):
            return False
        return any(state.spans(self, f) for f in self.fields)

    def collect(self, state: DocumentState, found: Found) -> None:
        for field in self.fields:
            for span in state.spans(self, field):
                found[(self.text, field, span)] = None

    def occurrences(self, state: DocumentState, field: str) -> list[Occurrence]:
        if field not in self.fields:
            return []
        return [(span, ((self.text, field, span),)) for span in state.spans(self, field)]


class CompiledMeta:
    __slots__ = ("node",)

    def __init__(self, node: Meta) -> None:
        self.node = node

    def matches(self, state: DocumentState) -> bool:
        return meta_matches(self.node, state.doc)

    def collect(self, state: DocumentState, found: Found) -> None:
        pass


class CompiledAnd:
    __slots__ = ("children",)

    def __init__(self, children: list[Compiled]) -> None:
        self.children = children

    def matches(self, state: DocumentState) -> bool:
        return all(c.matches(state) for c in self.children)

    def collect(self, state: DocumentState, found: Found) -> None:
        for child in self.children:
            child.collect(state, found)


class CompiledOr:
    __slots__ = ("children",)

    def __init__(self, children: list[Compiled]) -> None:
        self.children = children

    def matches(self, state: DocumentState) -> bool:
        return any(c.matches(state) for c in self.children)

    def collect(self, state: DocumentState, found: Found) -> None:
        for child in self.children:
            if child.matches(state):
                child.collect(state, found)

    def occurrences(self, state: DocumentState, field: str) -> list[Occurrence]:
        merged: dict[Span, tuple[Hit, ...]] = {}
        for child in self.children:
            for span, parts in child.occurrences(state, field):  # type: ignore[union-attr]
                merged.setdefault(span, parts)
        return sorted(merged.items())


class CompiledNot:
    __slots__ = ("child",)

    def __init__(self, child: Compiled) -> None:
        self.child = child

    def matches(self, state: DocumentState) -> bool:
        return not self.child.matches(state)

    def collect(self, state: DocumentState, found: Found) -> None:
        pass


class CompiledNear:
    __slots__ = ("distance", "left", "ordered", "right")

    def __init__(self, node: Near, left: Compiled, right: Compiled) -> None:
        self.distance = node.distance
        self.ordered = node.ordered
        self.left = left
        self.right = right

    def matches(self, state: DocumentState) -> bool:
        return any(self.occurrences(state, f) for f in WORD_FIELDS)

    def collect(self, state: DocumentState, found: Found) -> None:
        for field in WORD_FIELDS:
            for _span, parts in self.occurrences(state, field):
                found.update(dict.fromkeys(parts))

    def occurrences(self, state: DocumentState, field: str) -> list[Occurrence]:
        key = (id(self), field)
        found = state.near.get(key)
        if found is None:
            left = self.left.occurrences(state, field)  # type: ignore[union-attr]
            right = self.right.occurrences(state, field) if left else []  # type: ignore[union-attr]
            found = state.near[key] = near(self.distance, self.ordered, left, right)
        return found


Compiled = CompiledWords | CompiledMeta | CompiledAnd | CompiledOr | CompiledNot | CompiledNear


def compile_node(node: Node, intern: Interner) -> Compiled:
    if isinstance(node, Words):
        return CompiledWords(node, intern)
    if isinstance(node, Meta):
        return CompiledMeta(node)
    if isinstance(node, And):
        return CompiledAnd([compile_node(c, intern) for c in node.children])
    if isinstance(node, Or):
        return CompiledOr([compile_node(c, intern) for c in node.children])
    if isinstance(node, Not):
        return CompiledNot(compile_node(node.child, intern))
    return CompiledNear(node, compile_node(node.left, intern), compile_node(node.right, intern))


def word_key(pattern: WordPattern) -> str:
    """How presearch names a word pattern: the word, or the prefix followed by ``*``."""
    return pattern.word + "*" if pattern.prefix else pattern.word
