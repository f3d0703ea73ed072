"""A query compiled once for matching many documents: its tree turned into small node objects
whose terms are interned to integer ids, evaluated against a per-document state that looks
every term's positions up once and shares them with every topic, and that reports the words
found in the same pass.

The plain evaluator (``evaluator.py``) is the reference: the property tests hold this to
agree with it, on what matches and on what is reported. Hits are kept as plain tuples
``(term as written, field, span)`` — what a highlight is made of.
"""

from __future__ import annotations

from collections.abc import Hashable

from newswatch.core.query.ast import And, Meta, Near, Node, Not, Or, WordPattern, Words
from newswatch.core.query.document import WORD_FIELDS, MatchDocument, Span
from newswatch.core.query.evaluator import DEFAULT_FIELDS, meta_matches, near
from newswatch.core.query.highlight import (
    MAX_HIGHLIGHTS,
    MAX_MATCHED_WORDS,
    Highlight,
    highlight,
    matched_words,
    select,
)
from newswatch.core.text import fold, normalize_whitespace

# a hit: the term as written in the query, the field, the token span
Hit = tuple[str, str, Span]
Occurrence = tuple[Span, tuple[Hit, ...]]
Found = dict[Hit, None]  # ordered, without repeats
# the terms and proximity searches that fired in a match, by id, in the reference's order
Fired = dict[int, "CompiledWords | CompiledNear"]
# a hit made into a highlight: (its place in article order, highlight, folded text, text)
_Item = tuple[tuple[int, int, int], Highlight, str, str]


class Interner:
    """Integer ids for the word sequences and terms of all compiled queries (shared by a
    matcher), so that topics sharing a term share its look-ups in a document."""

    def __init__(self) -> None:
        self._ids: dict[Hashable, int] = {}
        self._fresh = 0

    def fresh(self) -> int:
        """An id of its own (negative: never one of a word sequence or term)."""
        self._fresh -= 1
        return self._fresh

    def __call__(self, words: Hashable) -> int:
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
        self.present: dict[int, bool] = {}  # term id -> whether it occurs
        self.near: dict[tuple[int, str], list[Occurrence]] = {}  # by id() of a CompiledNear
        self._items: dict[Hit, _Item] = {}
        self._reports: dict[tuple[int, ...], tuple[list[str], tuple[Highlight, ...]]] = {}

    def spans(self, term: CompiledWords, field: str) -> list[Span]:
        key = (term.words_id, field)
        found = self._spans.get(key)
        if found is None:
            index = self.doc.field(field)
            if term.single is not None:
                found = [(p, p + 1) for p in index.where(term.single)]
            else:
                found = index.find(term.node.words)
            self._spans[key] = found
        return found

    def report(self, program: Compiled) -> tuple[list[str], tuple[Highlight, ...]]:
        """(matched words, highlights) of a program that matches, as the reference makes
        them from its hits. The terms and proximity searches that fired name the hits, so
        topics where the same ones fired share the report without gathering hits again."""
        fired: Fired = {}
        program.collect(self, fired)
        key = tuple(fired)
        found = self._reports.get(key)
        if found is None:
            collected: Found = {}
            for unit in fired.values():
                collected.update(dict.fromkeys(unit.hits(self)))
            hits = tuple(collected)
            found = self._reports[key] = self._fast_report(hits) or self._report(hits)
        return found

    def _report(self, hits: tuple[Hit, ...]) -> tuple[list[str], tuple[Highlight, ...]]:
        """The reference's way: ``select`` and ``matched_words`` of highlight.py."""
        highlights = select((self._item(h)[1] for h in hits), nested=False)
        return matched_words(highlights), highlights

    def _fast_report(self, hits: tuple[Hit, ...]) -> tuple[list[str], tuple[Highlight, ...]] | None:
        """The same as ``_report`` in the usual case, from values made once per hit: at
        most MAX_HIGHLIGHTS outermost highlights, no two at the same place (where the
        reference keeps whichever its set yields first). None otherwise."""
        items = sorted((self._item(h) for h in hits), key=_place)
        kept: list[_Item] = []
        for item in items:
            if kept:
                last = kept[-1][0]
                if last == item[0]:
                    return None
                if last[0] == item[0][0] and -item[0][2] <= -last[2]:
                    continue  # inside the previous one
            kept.append(item)
        if len(kept) > MAX_HIGHLIGHTS:
            return None
        words: dict[str, str] = {}
        for item in kept:
            words.setdefault(item[2], item[3])
        return list(words.values())[:MAX_MATCHED_WORDS], tuple(item[1] for item in kept)

    def _item(self, hit: Hit) -> _Item:
        made = self._items.get(hit)
        if made is None:
            light = highlight(self.doc, *hit)
            text = normalize_whitespace(light.text)
            place = (WORD_FIELDS.index(light.field), light.start, -light.end)
            made = self._items[hit] = (place, light, fold(text), text)
        return made


def _place(item: _Item) -> tuple[int, int, int]:
    return item[0]


class CompiledWords:
    __slots__ = ("exact", "fields", "id", "node", "single", "text", "words_id")

    def __init__(self, node: Words, intern: Interner) -> None:
        self.node = node
        self.text = node.text
        keys = tuple(word_key(w) for w in node.words)  # strings hash faster than patterns
        self.words_id = intern(keys)
        self.id = intern((keys, node.field, node.text))
        self.fields = (node.field,) if node.field else DEFAULT_FIELDS
        # the words without a wildcard: all must be somewhere in the document
        self.exact = tuple(dict.fromkeys(w.word for w in node.words if not w.prefix))
        one = node.words[0]
        self.single = one.word if len(node.words) == 1 and not one.prefix else None

    def matches(self, state: DocumentState) -> bool:
        found = state.present.get(self.id)
        if found is None:
            found = state.present[self.id] = self._occurs(state)
        return found

    def _occurs(self, state: DocumentState) -> bool:
        doc = state.doc
        if self.single is not None:  # one word: a set look-up per field, no positions
            return any(self.single in doc.field(f).words for f in self.fields)
        words = doc.words
        for word in self.exact:
            if word not in words:
                return False
        return any(state.spans(self, f) for f in self.fields)

    def collect(self, state: DocumentState, fired: Fired) -> None:
        fired[self.id] = self

    def hits(self, state: DocumentState) -> list[Hit]:
        text = self.text
        return [(text, field, span) for field in self.fields for span in state.spans(self, field)]

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

    def collect(self, state: DocumentState, fired: Fired) -> None:
        pass


class CompiledAnd:
    __slots__ = ("children",)

    def __init__(self, children: list[Compiled]) -> None:
        self.children = children

    def matches(self, state: DocumentState) -> bool:
        return all(c.matches(state) for c in self.children)

    def collect(self, state: DocumentState, fired: Fired) -> None:
        for child in self.children:
            child.collect(state, fired)


class CompiledOr:
    __slots__ = ("children",)

    def __init__(self, children: list[Compiled]) -> None:
        self.children = children

    def matches(self, state: DocumentState) -> bool:
        return any(c.matches(state) for c in self.children)

    def collect(self, state: DocumentState, fired: Fired) -> None:
        for child in self.children:
            if child.matches(state):
                child.collect(state, fired)

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

    def collect(self, state: DocumentState, fired: Fired) -> None:
        pass


class CompiledNear:
    __slots__ = ("distance", "id", "left", "ordered", "right")

    def __init__(self, node: Near, left: Compiled, right: Compiled, intern: Interner) -> None:
        self.id = intern.fresh()
        self.distance = node.distance
        self.ordered = node.ordered
        self.left = left
        self.right = right

    def matches(self, state: DocumentState) -> bool:
        return any(self.occurrences(state, f) for f in WORD_FIELDS)

    def collect(self, state: DocumentState, fired: Fired) -> None:
        fired[self.id] = self

    def hits(self, state: DocumentState) -> list[Hit]:
        return [
            part
            for field in WORD_FIELDS
            for _span, parts in self.occurrences(state, field)
            for part in parts
        ]

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
    return CompiledNear(
        node, compile_node(node.left, intern), compile_node(node.right, intern), intern
    )


def word_key(pattern: WordPattern) -> str:
    """How presearch names a word pattern: the word, or the prefix followed by ``*``."""
    return pattern.word + "*" if pattern.prefix else pattern.word
