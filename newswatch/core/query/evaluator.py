"""Evaluate a syntax tree against a MatchDocument."""

from __future__ import annotations

import bisect

from newswatch.core.query.ast import And, Meta, Near, Node, Not, Or, Words
from newswatch.core.query.document import MatchDocument, Span

DEFAULT_FIELDS = ("title", "text")
WORD_FIELDS = ("title", "text", "feed")


def fields_of(node: Words) -> tuple[str, ...]:
    return (node.field,) if node.field else DEFAULT_FIELDS


def is_present(node: Words, doc: MatchDocument) -> bool:
    return any(doc.field(f).find(node.words) for f in fields_of(node))


def evaluate(node: Node, doc: MatchDocument) -> bool:
    if isinstance(node, Words):
        return is_present(node, doc)
    if isinstance(node, Meta):
        return _meta(node, doc)
    if isinstance(node, And):
        return all(evaluate(c, doc) for c in node.children)
    if isinstance(node, Or):
        return any(evaluate(c, doc) for c in node.children)
    if isinstance(node, Not):
        return not evaluate(node.child, doc)
    return any(spans(node, doc, f) for f in WORD_FIELDS)


def _meta(node: Meta, doc: MatchDocument) -> bool:
    if node.field == "lang":
        return doc.language == node.value
    if node.field == "source":
        return doc.source == node.value or doc.source.endswith("." + node.value)
    return node.value in doc.url  # url: a case-insensitive substring


def spans(node: Node, doc: MatchDocument, field: str) -> list[Span]:
    """Where a word-position node (Words, Near, OR of them) occurs in one field, sorted."""
    if isinstance(node, Words):
        return doc.field(field).find(node.words) if field in fields_of(node) else []
    if isinstance(node, Or):
        return sorted({s for c in node.children for s in spans(c, doc, field)})
    if isinstance(node, Near):
        return _near(node, spans(node.left, doc, field), spans(node.right, doc, field))
    raise TypeError(f"{type(node).__name__} has no word positions")  # the parser prevents it


def _near(node: Near, left: list[Span], right: list[Span]) -> list[Span]:
    """Spans joining a left and a right occurrence with at most ``distance`` words between
    them (the right one after the left one if ordered).

    Only the nearest partner on each side of every occurrence is paired, from both operands,
    so there are at most 2 x (len(left) + len(right)) spans: all pairs within the distance
    would be len(left) x distance, which a page repeating the words turns into millions.
    Whether a NEAR matches is unchanged (a partner within the distance exists exactly when the
    nearest one is within it); a NEAR nested in another sees the tightest spans, as Lucene's
    span queries do.
    """
    if not left or not right:
        return []
    n = node.distance
    lefts, rights = _Occurrences(left), _Occurrences(right)
    found: set[Span] = set()
    for a_start, a_end in left:
        after = rights.first_starting_at(a_end)
        if after is not None and after[0] <= a_end + n:
            found.add((a_start, after[1]))
        if not node.ordered:
            before = rights.last_ending_by(a_start)
            if before is not None and before[1] >= a_start - n:
                found.add((before[0], a_end))
    for b_start, b_end in right:
        before = lefts.last_ending_by(b_start)
        if before is not None and before[1] >= b_start - n:
            found.add((before[0], b_end))
        if not node.ordered:
            after = lefts.first_starting_at(b_end)
            if after is not None and after[0] <= b_end + n:
                found.add((b_start, after[1]))
    return sorted(found)


class _Occurrences:
    """Spans of one operand, searchable by where they start and where they end."""

    def __init__(self, spans: list[Span]) -> None:
        self.by_start = spans  # sorted by (start, end)
        self.by_end = sorted(spans, key=lambda s: (s[1], s[0]))
        self.ends = [s[1] for s in self.by_end]

    def first_starting_at(self, position: int) -> Span | None:
        """The span starting first at or after ``position`` (the shortest of those)."""
        i = bisect.bisect_left(self.by_start, (position, -1))
        return self.by_start[i] if i < len(self.by_start) else None

    def last_ending_by(self, position: int) -> Span | None:
        """The span ending last at or before ``position`` (the shortest of those)."""
        i = bisect.bisect_right(self.ends, position)
        return self.by_end[i - 1] if i > 0 else None
