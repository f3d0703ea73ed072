"""The reference evaluation of a syntax tree against a MatchDocument: plain tree walking, no
index, no compilation. The topic matcher must agree with it (property tests check that), and
``explain`` is built on it."""

from __future__ import annotations

import bisect
import dataclasses
from typing import Generic, TypeVar

from newswatch.core.query.ast import And, Meta, Near, Node, Not, Or, Words
from newswatch.core.query.document import WORD_FIELDS, MatchDocument, Span

DEFAULT_FIELDS = ("title", "text")


@dataclasses.dataclass(frozen=True, slots=True)
class Hit:
    """Where one term or phrase of a query occurs: the Words node, a field, a token span."""

    words: Words
    field: str
    span: Span


# a span of a word-position node with the hits of the terms that make it up
Occurrence = tuple[Span, tuple[Hit, ...]]
# the same with hits of any form (the compiled matcher keeps them as plain tuples)
P = TypeVar("P")


def fields_of(node: Words) -> tuple[str, ...]:
    return (node.field,) if node.field else DEFAULT_FIELDS


def is_present(node: Words, doc: MatchDocument) -> bool:
    return any(doc.field(f).find(node.words) for f in fields_of(node))


def evaluate(node: Node, doc: MatchDocument) -> bool:
    if isinstance(node, Words):
        return is_present(node, doc)
    if isinstance(node, Meta):
        return meta_matches(node, doc)
    if isinstance(node, And):
        return all(evaluate(c, doc) for c in node.children)
    if isinstance(node, Or):
        return any(evaluate(c, doc) for c in node.children)
    if isinstance(node, Not):
        return not evaluate(node.child, doc)
    return any(occurrences(node, doc, f) for f in WORD_FIELDS)


def meta_matches(node: Meta, doc: MatchDocument) -> bool:
    if node.field == "lang":
        return doc.language == node.value
    if node.field == "source":
        return doc.source == node.value or doc.source.endswith("." + node.value)
    return node.value in doc.url  # url: a case-insensitive substring


def hits(node: Node, doc: MatchDocument) -> list[Hit]:
    """The occurrences that make a matching node match: every occurrence of its terms, but
    only of the OR alternatives that match, only the pairs that satisfy a NEAR, and nothing
    under a NOT. Empty when the node does not match (or matched on metadata only)."""
    found: dict[Hit, None] = {}  # ordered, without repeats
    if evaluate(node, doc):
        _collect(node, doc, found)
    return list(found)


def _collect(node: Node, doc: MatchDocument, found: dict[Hit, None]) -> None:
    """Add the hits of ``node``, which matches."""
    if isinstance(node, Words):
        for field in fields_of(node):
            for span in doc.field(field).find(node.words):
                found[Hit(node, field, span)] = None
    elif isinstance(node, And):
        for child in node.children:
            _collect(child, doc, found)
    elif isinstance(node, Or):
        for child in node.children:
            if evaluate(child, doc):
                _collect(child, doc, found)
    elif isinstance(node, Near):
        for field in WORD_FIELDS:
            for _span, parts in occurrences(node, doc, field):
                found.update(dict.fromkeys(parts))


def spans(node: Node, doc: MatchDocument, field: str) -> list[Span]:
    """Where a word-position node (Words, Near, OR of them) occurs in one field, sorted."""
    return [span for span, _parts in occurrences(node, doc, field)]


def occurrences(node: Node, doc: MatchDocument, field: str) -> list[Occurrence]:
    """Where a word-position node occurs in one field, sorted by span, one per span."""
    if isinstance(node, Words):
        if field not in fields_of(node):
            return []
        return [(span, (Hit(node, field, span),)) for span in doc.field(field).find(node.words)]
    if isinstance(node, Or):
        merged: dict[Span, tuple[Hit, ...]] = {}
        for child in node.children:
            for span, parts in occurrences(child, doc, field):
                merged.setdefault(span, parts)
        return sorted(merged.items())
    if isinstance(node, Near):
        left = occurrences(node.left, doc, field)
        right = occurrences(node.right, doc, field) if left else []
        return near(node.distance, node.ordered, left, right)
    raise TypeError(f"{type(node).__name__} has no word positions")  # the parser prevents it


def near(
    distance: int,
    ordered: bool,
    left: list[tuple[Span, tuple[P, ...]]],
    right: list[tuple[Span, tuple[P, ...]]],
) -> list[tuple[Span, tuple[P, ...]]]:
    """Occurrences joining a left and a right one with at most ``distance`` words between
    them (the right one after the left one if ``ordered``).

    Only the nearest partner on each side of every occurrence is paired, from both operands,
    so there are at most 2 x (len(left) + len(right)) results: all pairs within the distance
    would be len(left) x distance, which a page repeating the words turns into millions.
    Whether a NEAR matches is unchanged (a partner within the distance exists exactly when the
    nearest one is within it); a NEAR nested in another sees the tightest spans, as Lucene's
    span queries do.
    """
    if not left or not right:
        return []
    n = distance
    lefts, rights = Occurrences(left), Occurrences(right)
    found: dict[Span, tuple[P, ...]] = {}
    for (a_start, a_end), a_parts in left:
        after = rights.first_starting_at(a_end)
        if after is not None and after[0][0] <= a_end + n:
            found.setdefault((a_start, after[0][1]), a_parts + after[1])
        if not ordered:
            before = rights.last_ending_by(a_start)
            if before is not None and before[0][1] >= a_start - n:
                found.setdefault((before[0][0], a_end), before[1] + a_parts)
    for (b_start, b_end), b_parts in right:
        before = lefts.last_ending_by(b_start)
        if before is not None and before[0][1] >= b_start - n:
            found.setdefault((before[0][0], b_end), before[1] + b_parts)
        if not ordered:
            after = lefts.first_starting_at(b_end)
            if after is not None and after[0][0] <= b_end + n:
                found.setdefault((b_start, after[0][1]), b_parts + after[1])
    return sorted(found.items())


class Occurrences(Generic[P]):
    """Occurrences of one operand, searchable by where they start and where they end."""

    def __init__(self, items: list[tuple[Span, tuple[P, ...]]]) -> None:
        self.by_start = items  # sorted by (start, end)
        self.starts = [span for span, _ in items]
        self.by_end = sorted(items, key=lambda o: (o[0][1], o[0][0]))
        self.ends = [span[1] for span, _ in self.by_end]

    def first_starting_at(self, position: int) -> tuple[Span, tuple[P, ...]] | None:
        """The occurrence starting first at or after ``position`` (the shortest of those)."""
        i = bisect.bisect_left(self.starts, (position, -1))
        return self.by_start[i] if i < len(self.by_start) else None

    def last_ending_by(self, position: int) -> tuple[Span, tuple[P, ...]] | None:
        """The occurrence ending last at or before ``position`` (the shortest of those)."""
        i = bisect.bisect_right(self.ends, position)
        return self.by_end[i - 1] if i > 0 else None

    def gap(self, other: Occurrences[P], ordered: bool) -> int | None:
        """The fewest words between an occurrence of these and a later one of ``other`` (or
        an earlier one too unless ``ordered``); None when no pair is apart at all."""
        best: int | None = None
        for (start, end), _ in self.by_start:
            after = other.first_starting_at(end)
            gaps = [after[0][0] - end] if after is not None else []
            if not ordered:
                before = other.last_ending_by(start)
                gaps += [start - before[0][1]] if before is not None else []
            for gap in gaps:
                best = gap if best is None else min(best, gap)
        return best
