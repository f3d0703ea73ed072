"""Presearch: find the topics worth evaluating from the words a document contains.

Each query is reduced to *requirements*: clauses, each a set of atoms (a word, a prefix
``warr*``, or a filter ``lang:es`` / ``source:tass.ru``) one of which every matching
document holds. Every word of a phrase is a clause of its own, the clauses of AND and NEAR
operands add up, an OR is one clause joining the rarest clause of each alternative. The
rarest clause, by the document frequencies of news words (``rarity.py``), is the topic's
*trigger*: the topic is filed under each of its atoms. The next rarest clauses are checked
when the trigger fires, so an AND needs its rarer terms present before it is evaluated.

A document's atoms are its distinct words found in the index, the indexed prefixes they
start with, and its language and site: the kernel's ``Presearch`` (``_kernel.c``, twin in
``_pure.py``) numbers every atom once, keeps the postings as arrays of topic numbers, marks
the atoms of a document with its stamp (a dict look-up per distinct word, a hash probe per
indexed prefix length for the prefixes) and walks their postings, reading the checks from
the marks: the cost grows with the document's vocabulary and the topics it triggers, not
with the number of topics. A topic of filters only is triggered by its filters, without
looking at words. Topics are added and removed one by one, nothing rebuilt. Only ``url:``
filters and queries with no requirement at all are evaluated on every document.

``triggers`` is the former, rarity-blind choice, still used to guard proximity searches in
the topic pack.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

from newswatch.core.query import kernel
from newswatch.core.query._pure import Checks  # clauses as tuples of atoms
from newswatch.core.query.ast import And, Meta, Near, Node, Not, WordPattern, Words
from newswatch.core.query.document import MatchDocument
from newswatch.core.query.program import word_key
from newswatch.core.query.rarity import news_rarity

Clause = frozenset[str]
# how many clauses besides the trigger are checked before a topic is evaluated
CHECKED_CLAUSES = 3
# shares of news assumed for filters (the table counts words only)
_FILTER_SHARE = {"lang": 0.5, "source": 0.02}


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


def requirements(node: Node) -> list[Clause]:
    """Clauses of atoms, one atom of each present in every document ``node`` matches."""
    if isinstance(node, Words):
        return [_one(word_key(w)) for w in node.words]
    if isinstance(node, Meta):
        return [_one(f"{node.field}:{node.value}")] if node.field in _FILTER_SHARE else []
    if isinstance(node, Not):
        return []
    if isinstance(node, Near):
        return requirements(node.left) + requirements(node.right)
    if isinstance(node, And):
        return [clause for child in node.children for clause in requirements(child)]
    joined: set[str] = set()
    for child in node.children:
        clauses = requirements(child)
        if not clauses:
            return []  # an alternative that requires nothing
        rarest: Clause = min(clauses, key=clause_share)
        joined |= rarest
    return [frozenset(joined)]


@functools.lru_cache(maxsize=1 << 16)
def _one(atom: str) -> Clause:
    """The clause of one atom, shared by the topics that require it (a clause of 100,000
    topics' plans is most often one word, and a frozenset is 200 bytes)."""
    return frozenset((atom,))


def clause_share(clause: Clause) -> float:
    """At most the share of news documents holding an atom of ``clause``."""
    if len(clause) == 1:
        for atom in clause:
            return atom_share(atom)
    return min(1.0, sum(atom_share(atom) for atom in clause))


@functools.lru_cache(maxsize=1 << 16)
def atom_share(atom: str) -> float:
    field, colon, _value = atom.partition(":")
    if colon:
        return _FILTER_SHARE[field]
    rarity = news_rarity()
    if atom.endswith("*"):
        return rarity.pattern_share(WordPattern(atom[:-1], prefix=True))
    return rarity.share(atom)


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """How presearch finds one topic: filed under the atoms of ``trigger`` (None: always a
    candidate), then each clause of ``checks`` must have an atom present (the clauses as
    tuples: the kernel reads them without an iterator)."""

    trigger: Clause | None
    checks: Checks


def plan(node: Node) -> Plan:
    # the rarest first; among equals the one with the smallest atom (any order would do:
    # only the cost of presearch depends on it, and this one is the same in every process)
    clauses = sorted(set(requirements(node)), key=lambda c: (clause_share(c), min(c)))
    if not clauses:
        return Plan(None, ())
    return Plan(clauses[0], tuple(map(_atoms, clauses[1 : 1 + CHECKED_CLAUSES])))


class TopicIndex:
    """Candidate topic numbers for a document; topics are added and removed by number. The
    postings and the look-ups of a document's atoms are the kernel's ``Presearch``."""

    def __init__(self, roots: Sequence[Node] = ()) -> None:
        self._plans: dict[int, Plan] = {}
        self._presearch = kernel.active.new_presearch()
        for number, root in enumerate(roots):
            self.add(number, root)

    def __len__(self) -> int:
        return len(self._plans)

    def add(self, number: int, root: Node, found: Plan | None = None) -> None:
        """File topic ``number``; ``found``: the plan of ``root`` when it is known already
        (topics of the same query share one)."""
        if found is None:
            found = plan(root)
        trigger = None if found.trigger is None else _atoms(found.trigger)
        self._presearch.file(number, trigger, found.checks)
        self._plans[number] = found

    def remove(self, number: int) -> None:
        if self._plans.pop(number, None) is not None:
            self._presearch.remove(number)

    def candidates(self, doc: MatchDocument) -> list[int]:
        """The topics filed under an atom the document holds (its words, the indexed
        prefixes of its words, its language, its site with every parent domain) whose
        checks hold, and those filed for every document; ascending."""
        filters: list[str] = []
        if doc.language:
            filters.append("lang:" + doc.language)
        host = doc.source
        while host:
            filters.append("source:" + host)
            host = host.partition(".")[2]
        fields = (doc.title.words, doc.text.words, doc.feed.words)
        return self._presearch.candidates(fields, tuple(filters))


@functools.lru_cache(maxsize=1 << 16)
def _atoms(clause: Clause) -> tuple[str, ...]:
    """A clause as a tuple, shared by the plans checking it (most are one word: their
    clause is shared already, see ``_one``)."""
    return tuple(sorted(clause))
