"""Presearch: find the topics worth evaluating from the words a document contains.

Each query yields a set of *trigger* words such that the query cannot match a document that
contains none of them (one word per required term, the union over OR alternatives, the
smallest set among AND operands). All triggers of all topics go into one Aho-Corasick
automaton that runs over the document's distinct words, so the cost of a document grows with
its vocabulary and the number of hits, not with the number of topics. Queries with no trigger
(only metadata such as ``lang:es``) are always evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence

import ahocorasick

from newswatch.core.query.ast import And, Meta, Near, Node, Not, WordPattern, Words
from newswatch.core.query.document import MatchDocument


def triggers(node: Node) -> frozenset[WordPattern] | None:
    """Words one of which every matching document contains; None when there are none."""
    if isinstance(node, Words):
        return frozenset({_rarest(node.words)})
    if isinstance(node, Meta | Not):
        return None
    if isinstance(node, Near):
        return _smallest([triggers(node.left), triggers(node.right)])
    if isinstance(node, And):
        return _smallest([triggers(c) for c in node.children])
    union: set[WordPattern] = set()
    for child in node.children:
        found = triggers(child)
        if found is None:
            return None
        union |= found
    return frozenset(union)


def _smallest(options: list[frozenset[WordPattern] | None]) -> frozenset[WordPattern] | None:
    known = [o for o in options if o is not None]
    return min(known, key=len) if known else None


def _rarest(words: tuple[WordPattern, ...]) -> WordPattern:
    """The word of a phrase least likely to be common: an exact word, the longest."""
    return max(words, key=lambda w: (not w.prefix, len(w.word)))


def _key(trigger: WordPattern) -> str:
    # the vocabulary is " a b c ": a leading space anchors the word start, a trailing one its end
    return f" {trigger.word}" if trigger.prefix else f" {trigger.word} "


class TopicIndex:
    """Candidate topic numbers (positions in the list given) for a document."""

    def __init__(self, roots: Sequence[Node]) -> None:
        by_key: dict[str, set[int]] = {}
        self._always: list[int] = []
        for number, root in enumerate(roots):
            found = triggers(root)
            if found is None:
                self._always.append(number)
                continue
            for trigger in found:
                by_key.setdefault(_key(trigger), set()).add(number)
        self._automaton: ahocorasick.Automaton | None = None
        if by_key:
            automaton = ahocorasick.Automaton()
            for key, numbers in by_key.items():
                automaton.add_word(key, tuple(sorted(numbers)))
            automaton.make_automaton()
            self._automaton = automaton

    def candidates(self, doc: MatchDocument) -> list[int]:
        found = set(self._always)
        if self._automaton is not None:
            for _end, numbers in self._automaton.iter(" " + " ".join(doc.words) + " "):
                found.update(numbers)
        return sorted(found)
