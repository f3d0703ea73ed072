"""The parts of compiled queries that hold word positions, and the per-document state that
makes reports: every term (``CompiledWords``, one object per distinct term, shared by all the
topics of a matcher) and proximity search (``CompiledNear``) is made once and numbered in the
matching kernel's tables, which topic code (``bytecode.py``) refers to; the kernel decides which
topics match and which of their terms and proximity searches fired. The state makes the report
(matched words, highlights) of those once per document, from their hits.

The plain evaluator (``evaluator.py``) is the reference: the property tests hold this to
agree with it, on what matches and on what is reported. Hits are kept as plain tuples
``(term as written, field, span)`` — what a highlight is made of.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Hashable

from newswatch.core.query import kernel
from newswatch.core.query._pure import Program
from newswatch.core.query.ast import Near, Node, Or, WordPattern, Words
from newswatch.core.query.document import WORD_FIELDS, MatchDocument, Span
from newswatch.core.query.evaluator import DEFAULT_FIELDS, near
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
# what a topic reports: its matched words and highlights
Report = tuple[tuple[str, ...], tuple[Highlight, ...]]
# a hit made into a highlight: (its place in article order, highlight, folded text, text)
_Item = tuple[tuple[int, int, int], Highlight, str, str]


class Interner:
    """Integer ids for the word sequences and terms of all compiled queries, and one
    ``CompiledWords`` per distinct term (shared by a matcher), so that topics sharing a term
    share its look-ups and reports in a document."""

    def __init__(self, program: Program) -> None:
        # the kernel's tables of terms, proximity searches and filter values, which topic
        # code (bytecode.py) refers to by number
        self.program = program
        self._values: dict[str, int] = {}
        self._ids: dict[Hashable, int] = {}
        self._terms: dict[Hashable, CompiledWords] = {}
        # proximity searches and the ORs they join, by their parts: topics writing the same
        # one share it, and its look-ups in a document
        self._positional: dict[Hashable, CompiledOr | CompiledNear] = {}
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

    def term(self, node: Words) -> CompiledWords:
        """The one ``CompiledWords`` of a term (its words, field and text as written)."""
        key = (node.words, node.field, node.text)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = CompiledWords(node, self)
        return found

    def value(self, text: str) -> int:
        """The number of a filter's value (``lang:``, ``source:``, ``url:``) in the kernel."""
        found = self._values.get(text)
        if found is None:
            found = self._values[text] = self.program.add_value(text)
        return found

    def near(self, node: Near) -> CompiledNear:
        """The one ``CompiledNear`` of a proximity search (of its distance, order and
        operands)."""
        left, right = _positional(node.left, self), _positional(node.right, self)
        key = ("near", node.distance, node.ordered, left, right)
        found = self._positional.get(key)
        if found is None:
            found = self._positional[key] = CompiledNear(node, left, right, self)
        assert isinstance(found, CompiledNear)
        return found

    def either(self, children: tuple[Positional, ...]) -> CompiledOr:
        """The one ``CompiledOr`` of these alternatives, in this order."""
        key = ("or", *children)
        found = self._positional.get(key)
        if found is None:
            found = self._positional[key] = CompiledOr(list(children), self)
        assert isinstance(found, CompiledOr)
        return found


class DocumentState:
    """One document as every compiled query sees it: the spans of each word sequence in each
    field, looked up once; the highlights and reports of hits, made once."""

    def __init__(self, doc: MatchDocument) -> None:
        self.doc = doc
        self._spans: dict[tuple[int, str], list[Span]] = {}
        # by (id, field) of a term, OR or proximity search (ids unique among them)
        self.occurrences: dict[tuple[int, str], list[Occurrence]] = {}
        self._items: dict[Hit, _Item] = {}
        # the word fields with a word's item made, as the kernel makes the items of their
        # words: (place in article order, text, offsets of the tokens in that text; the
        # kernel's own entries: packed in bytes where folding kept every offset)
        self._plain: dict[str, tuple[int, str, list[int] | bytes]] = {}
        self._items_of: dict[Unit, list[_Item]] = {}
        self._reports: dict[tuple[Unit, ...], Report] = {}
        self._limits = _LIMITS  # what the kernel needs to make reports as ``report`` does

    def spans(self, term: CompiledWords, field: str) -> list[Span]:
        key = (term.words_id, field)
        found = self._spans.get(key)
        if found is None:
            index = self.doc.field(field)
            if term.single is not None:
                found = kernel.active.single_spans(index.where(term.single))
            elif term.phrase:  # words without a wildcard: compared as a slice of tokens
                found = kernel.active.phrase_spans(
                    index.words, index.positions, index.tokens, term.phrase
                )
            else:
                found = index.find(term.node.words)
            self._spans[key] = found
        return found

    def report(self, fired: tuple[Unit, ...]) -> Report:
        """(matched words, highlights) of a topic whose terms and proximity searches
        ``fired`` (in the order the reference collects their hits), as the reference makes
        them from its hits. Topics where the same ones fired share the report; topics
        sharing some share the highlights of those (made once per document, in order)."""
        found = self._reports.get(fired)
        if found is None:
            if len(fired) == 1:
                items = self._unit_items(fired[0])
            else:
                items = sorted(
                    itertools.chain.from_iterable(map(self._unit_items, fired)), key=_place
                )
            found = kernel.active.fast_report(
                items, MAX_HIGHLIGHTS, MAX_MATCHED_WORDS, _limited
            ) or self._report(fired)
            self._reports[fired] = found
        return found

    def _report(self, fired: tuple[Unit, ...]) -> Report:
        """The reference's way, from the hits in its order: ``select`` and
        ``matched_words`` of highlight.py."""
        collected: Found = {}
        for unit in fired:
            collected.update(dict.fromkeys(unit.hits(self)))
        highlights = select((self._item(h)[1] for h in collected), nested=False)
        return matched_words(highlights), highlights

    def _unit_items(self, unit: Unit) -> list[_Item]:
        """The hits of a term or proximity search made into items, in article order."""
        found = self._items_of.get(unit)
        if found is None:
            made = kernel.active.items(
                unit.hits(self), self._items, self._plain, Highlight, self._item
            )
            if isinstance(unit, CompiledNear):  # a term's hits come in article order
                made.sort(key=_place)
            found = self._items_of[unit] = made
        return found

    def _item(self, hit: Hit) -> _Item:
        made = self._items.get(hit)
        if made is None:
            field = hit[1]
            if field not in self._plain:
                index = self.doc.field(field)
                order = WORD_FIELDS.index(field)
                self._plain[field] = (order, index.original, index.original_offsets)
            light = highlight(self.doc, *hit)
            text = light.text
            start, end = hit[2]
            if end - start == 1 and text.isascii():
                folded = text.lower()  # one ASCII word: no space inside, folding lowers it
            else:
                text = normalize_whitespace(text)
                folded = fold(text)
            place = (WORD_FIELDS.index(light.field), light.start, -light.end)
            made = self._items[hit] = (place, light, folded, text)
        return made


# an item's place in article order (a C call: sorting many items calls it for each)
_place = operator.itemgetter(0)


def _limited(kept: list[_Item]) -> list[_Item]:
    """``select``'s choice of MAX_HIGHLIGHTS: the first occurrence of every word, then the
    others in article order, shown in article order."""
    firsts: dict[str, _Item] = {}
    for item in kept:
        firsts.setdefault(fold(item[1].text), item)  # as select() folds: line breaks kept
    chosen = {id(item) for item in list(firsts.values())[:MAX_HIGHLIGHTS]}
    for item in kept:
        if len(chosen) >= MAX_HIGHLIGHTS:
            break
        chosen.add(id(item))
    return [item for item in kept if id(item) in chosen]


_LIMITS = (MAX_HIGHLIGHTS, MAX_MATCHED_WORDS, _limited)


class CompiledWords:
    """A term or phrase: made once per distinct term by ``Interner.term``, and numbered by the
    kernel (``index``; ``ref`` names it where a proximity search refers to it)."""

    __slots__ = ("fields", "id", "index", "node", "phrase", "ref", "single", "text", "words_id")

    def __init__(self, node: Words, intern: Interner) -> None:
        self.node = node
        self.text = node.text
        keys = tuple(word_key(w) for w in node.words)  # strings hash faster than patterns
        self.words_id = intern(keys)
        self.id = intern((keys, node.field, node.text))
        self.fields: tuple[str, ...] = (node.field,) if node.field else DEFAULT_FIELDS
        one = node.words[0]
        self.single = one.word if len(node.words) == 1 and not one.prefix else None
        wildcard = any(w.prefix for w in node.words)
        self.phrase = [w.word for w in node.words] if len(node.words) > 1 and not wildcard else []
        self.index = intern.program.add_term(
            _mask(self.fields),
            tuple(w.word for w in node.words),
            tuple(w.prefix for w in node.words),
            self.text,
            self,
        )
        self.ref: int = self.index << 2 | TERM_REF

    def hits(self, state: DocumentState) -> list[Hit]:
        text = self.text
        return [(text, field, span) for field in self.fields for span in state.spans(self, field)]

    def occurrences(self, state: DocumentState, field: str) -> list[Occurrence]:
        if field not in self.fields:
            return []
        key = (self.id, field)
        found = state.occurrences.get(key)
        if found is None:
            text = self.text
            found = state.occurrences[key] = [
                (span, ((text, field, span),)) for span in state.spans(self, field)
            ]
        return found


class CompiledOr:
    """An OR joined by a proximity search: the occurrences of its alternatives."""

    __slots__ = ("children", "fields", "id", "index", "ref")

    def __init__(self, children: list[Positional], intern: Interner) -> None:
        self.id = intern.fresh()
        self.children = children
        # the fields it can occur in: those of any alternative
        self.fields: tuple[str, ...] = tuple(
            f for f in WORD_FIELDS if any(f in c.fields for c in children)
        )
        self.index = intern.program.add_or(tuple(c.ref for c in children))
        self.ref: int = self.index << 2 | OR_REF

    def occurrences(self, state: DocumentState, field: str) -> list[Occurrence]:
        key = (self.id, field)
        found = state.occurrences.get(key)
        if found is None:
            merged: dict[Span, tuple[Hit, ...]] = {}
            for child in self.children:
                for span, parts in child.occurrences(state, field):
                    merged.setdefault(span, parts)
            found = state.occurrences[key] = sorted(merged.items())
        return found


def _alternatives(node: Positional) -> tuple[Positional, ...]:
    """The alternatives of an OR (of ORs inside it too); anything else is its own."""
    if isinstance(node, CompiledOr):
        return tuple(dict.fromkeys(a for c in node.children for a in _alternatives(c)))
    return (node,)


class CompiledNear:
    __slots__ = ("distance", "fields", "id", "index", "left", "ordered", "ref", "right")

    def __init__(self, node: Near, left: Positional, right: Positional, intern: Interner) -> None:
        self.id = intern.fresh()
        self.distance = node.distance
        self.ordered = node.ordered
        self.left = left
        self.right = right
        # the fields it can occur in: both sides must (elsewhere it has no occurrence)
        self.fields: tuple[str, ...] = tuple(f for f in left.fields if f in right.fields)
        # whether some pair is close enough is whether it is for some pair of alternatives
        # (the kernel tests it that way: an OR's spans need no merging)
        self.index = intern.program.add_near(
            self.distance,
            self.ordered,
            left.ref,
            right.ref,
            tuple(a.ref for a in _alternatives(left)),
            tuple(a.ref for a in _alternatives(right)),
            _mask(self.fields),
            self,
        )
        self.ref: int = self.index << 2 | NEAR_REF

    def hits(self, state: DocumentState) -> list[Hit]:
        return [
            part
            for field in self.fields
            for _span, parts in self.occurrences(state, field)
            for part in parts
        ]

    def occurrences(self, state: DocumentState, field: str) -> list[Occurrence]:
        key = (self.id, field)
        found = state.occurrences.get(key)
        if found is None:
            left = self.left.occurrences(state, field)
            right = self.right.occurrences(state, field) if left else []
            found = state.occurrences[key] = near(self.distance, self.ordered, left, right)
        return found


# how the kernel refers to what a proximity search joins: number << 2 | kind
TERM_REF, OR_REF, NEAR_REF = 0, 1, 2


def _mask(fields: tuple[str, ...]) -> int:
    """Fields as the kernel takes them: bit i for WORD_FIELDS[i]."""
    return sum(1 << WORD_FIELDS.index(f) for f in fields)


# what a topic reports as fired
Unit = CompiledWords | CompiledNear
# what a proximity search joins (the parser allows nothing else there)
Positional = CompiledWords | CompiledOr | CompiledNear


def _positional(node: Node, intern: Interner) -> Positional:
    if isinstance(node, Words):
        return intern.term(node)
    if isinstance(node, Or):
        return intern.either(tuple(_positional(c, intern) for c in node.children))
    if isinstance(node, Near):
        return intern.near(node)
    raise TypeError(f"{type(node).__name__} has no word positions")  # the parser prevents it


def word_key(pattern: WordPattern) -> str:
    """How presearch names a word pattern: the word, or the prefix followed by ``*``."""
    return pattern.word + "*" if pattern.prefix else pattern.word
