"""A text cut into runs to show some of its spans marked (found words, a query's fault)."""

from __future__ import annotations

from collections.abc import Iterable


def marked_runs(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` as (piece, is marked) runs, in order; overlapping or out-of-range spans are
    merged or clipped, empty pieces left out."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    runs: list[tuple[str, bool]] = []
    last = 0
    for start, end in merged:
        if start > last:
            runs.append((text[last:start], False))
        runs.append((text[start:end], True))
        last = end
    if last < len(text):
        runs.append((text[last:], False))
    return runs
