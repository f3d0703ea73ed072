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
    """Pairs with at most ``distance`` words between them (right after left if ordered)."""
    if not left or not right:
        return []
    n = node.distance
    by_start = right  # sorted by start
    by_end = sorted(right, key=lambda s: s[1])
    ends = [s[1] for s in by_end]
    found: set[Span] = set()
    for a_start, a_end in left:
        # right operand after: it starts within n words of the left's end
        lo = bisect.bisect_left(by_start, (a_end, -1))
        hi = bisect.bisect_right(by_start, (a_end + n, 1 << 30))
        found.update((a_start, b_end) for _, b_end in by_start[lo:hi])
        if not node.ordered:
            # right operand before: it ends within n words of the left's start
            lo = bisect.bisect_left(ends, a_start - n)
            hi = bisect.bisect_right(ends, a_start)
            found.update((b_start, a_end) for b_start, _ in by_end[lo:hi])
    return sorted(found)
