"""Presearch: find the topics worth evaluating from the words a document contains.

Each query is reduced to *requirements*: clauses, each a set of atoms (a word, a word of a
``title:`` term in the title ``title:word``, a prefix ``warr*``, or a filter ``lang:es`` /
``source:tass.ru``) one of which every matching document holds. Every word of a phrase is
a clause of its own, the clauses of AND and NEAR operands add up, an OR is one clause joining
the rarest clause of each alternative. A query with a few alternatives (an OR, an AND of
ORs: at most MAX_WAYS) has a set of clauses per alternative instead, a *way* to find it.
The rarest clause of a way, by the document frequencies of news words (``rarity.py``), is
its *trigger*: the topic is filed under each of its atoms. The next rarest clauses of the
way are checked when the trigger fires, so an AND needs its rarer terms present before it
is evaluated, and an alternative of an OR all of its own.

A document's atoms are its distinct words found in the index, the indexed prefixes they
start with, the words of its title as title atoms, and its language and site: the kernel's
``Presearch`` (``_kernel.c``, twin in ``_pure.py``) numbers every atom once in a table of
its own, keeps the postings as arrays of topic numbers each with its way's checks, marks the
atoms of a document in a bitmap (a look-up per distinct word, a probe of a small filter per
indexed prefix length for the prefixes) and walks their postings, reading the checks from
the marks: the cost grows with the document's vocabulary and the topics it triggers, not
with the number of topics (but for the memory a larger catalogue's tables spread over). A
topic of filters only is triggered by its filters, without looking at words. Topics are added
and removed one by one, nothing rebuilt. Only ``url:`` filters and queries with no
requirement at all are evaluated on every document.

``triggers`` is the former, rarity-blind choice, still used to guard proximity searches in
the topic pack.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from newswatch.core.memo import Memo
from newswatch.core.query import kernel
from newswatch.core.query._pure import TITLE, Way  # Way: (trigger, checks), atoms in tuples
from newswatch.core.query.ast import (
    And,
    Meta,
    Near,
    Node,
    Not,
    Or,
    WordPattern,
    Words,
    quick_init,
)
from newswatch.core.query.document import MatchDocument
from newswatch.core.query.program import word_key
from newswatch.core.query.rarity import news_rarity

# a clause: its atoms, sorted (a tuple: the kernel reads it without an iterator)
Clause = tuple[str, ...]
# how many clauses besides the trigger are checked before a topic is evaluated
CHECKED_CLAUSES = 3
# at most this many ways to find one topic (see ``alternatives``)
MAX_WAYS = 4
# shares of news assumed for filters (the table counts words only)
_FILTER_SHARE = {"lang": 0.5, "source": 0.02}
# a word of a ``title:`` term is an atom "title:word", held by the documents with the word in
# their title (TITLE and the word): assumed to be a tenth of those with the word anywhere
_TITLE_SHARE = 0.1


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


def requirements(node: Node) -> list[Clause]:
    """Clauses of atoms, one atom of each present in every document ``node`` matches."""
    # (isinstance against one class at a time: ``A | B`` would build the union at each call,
    # and these run for every node of every topic of a catalogue)
    if isinstance(node, Words):
        if node.field == "title":  # its exact words must be in the title: atoms of their own
            return [_one[word_key(w) if w.prefix else TITLE + w.word] for w in node.words]
        return [_one[w.word + "*" if w.prefix else w.word] for w in node.words]
    if isinstance(node, And):
        found: list[Clause] = []
        for child in node.children:
            found += requirements(child)
        return found
    if isinstance(node, Near):
        return requirements(node.left) + requirements(node.right)
    if isinstance(node, Or):
        joined: set[str] = set()
        for child in node.children:
            clauses = requirements(child)
            if not clauses:
                return []  # an alternative that requires nothing
            rarest = clauses[0] if len(clauses) == 1 else min(clauses, key=clause_share)
            joined.update(rarest)
        return [_clause(joined)]
    if isinstance(node, Meta):
        return [_one[f"{node.field}:{node.value}"]] if node.field in _FILTER_SHARE else []
    return []  # Not


def _clause(atoms: set[str]) -> Clause:
    if len(atoms) == 1:
        for atom in atoms:
            return _one[atom]
    clause = tuple(sorted(atoms))
    return _shared[clause]


# the clause of one atom, and one tuple for the same clause of several: shared by the
# topics that require them (a clause of 100,000 topics' plans is most often one word)
_one: Memo[str, Clause] = Memo(lambda atom: (atom,))
_shared: Memo[Clause, Clause] = Memo(lambda clause: clause)


def clause_share(clause: Clause) -> float:
    """At most the share of news documents holding an atom of ``clause``."""
    if len(clause) == 1:
        return atom_share(clause[0])
    return min(1.0, sum(atom_share(atom) for atom in clause))


def atom_share(atom: str) -> float:
    return _atom_shares[atom]


def _atom_share(atom: str) -> float:
    field, colon, value = atom.partition(":")
    if colon:
        return _TITLE_SHARE * atom_share(value) if field == "title" else _FILTER_SHARE[field]
    rarity = news_rarity()
    if atom.endswith("*"):
        return rarity.pattern_share(WordPattern(atom[:-1], prefix=True))
    return rarity.share(atom)


_atom_shares: Memo[str, float] = Memo(_atom_share)


_JOINING = (And, Near)  # a tuple: ``And | Near`` would be built at each call


def alternatives(node: Node) -> list[list[Clause]]:
    """The requirements of ``node`` as alternatives: every document it matches meets every
    clause of one of them. An OR gives those of its alternatives, an AND or NEAR every
    combination of those of its operands, while they are at most MAX_WAYS (beyond, an
    operand's are joined as ``requirements`` joins them)."""
    if isinstance(node, Or):
        ways = [way for child in node.children for way in alternatives(child)]
        return ways if len(ways) <= MAX_WAYS else [requirements(node)]
    if isinstance(node, _JOINING):
        children = node.children if isinstance(node, And) else (node.left, node.right)
        product: list[list[Clause]] = [[]]
        for child in children:
            ways = alternatives(child)
            if len(ways) == 1:  # most operands: one way, added to every combination
                for done in product:
                    done += ways[0]
                continue
            if len(product) * len(ways) > MAX_WAYS:
                ways = [requirements(child)]
            product = [done + way for done in product for way in ways]
        return product
    return [requirements(node)]


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """How presearch finds one topic: by any of its ``ways``, each filed under the atoms of
    its trigger (None: for every document), then each clause of its checks must have an
    atom present (atoms in tuples: the kernel reads them without an iterator)."""

    ways: tuple[Way, ...]


_EVERY_DOCUMENT = Plan(((None, ()),))


def plan(node: Node) -> Plan:
    ways: dict[Way, None] = {}
    for clauses in alternatives(node):
        if not clauses:
            return _EVERY_DOCUMENT  # an alternative that requires nothing
        checks: tuple[Clause, ...] = ()
        if len(clauses) == 1:
            trigger = clauses[0]
        else:
            ordered = sorted(set(clauses), key=_order)
            trigger, checks = ordered[0], tuple(ordered[1 : 1 + CHECKED_CLAUSES])
        ways[trigger, checks] = None
    return Plan(tuple(ways))


def _place(clause: Clause) -> tuple[float, Clause]:
    """Where ``clause`` stands among a topic's clauses: the rarest first; among equals the
    smallest (any order would do: only the cost of presearch depends on it, and this one is
    the same in every process)."""
    return clause_share(clause), clause


_order = Memo(_place).__getitem__


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
        self.remove(number)
        self._presearch.file(number, found.ways)
        self._plans[number] = found

    def remove(self, number: int) -> None:
        found = self._plans.pop(number, None)
        if found is not None:
            self._presearch.remove(number)

    def candidates(self, doc: MatchDocument) -> list[int]:
        """The topics filed under an atom the document holds (its words, the indexed
        prefixes of its words, the words of its title as title atoms (the kernel's: the
        title is the first field), its language, its site with every parent domain) whose
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
