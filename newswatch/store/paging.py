"""Reading a time-scored zset page by page, newest first, with no gap and no repeat.

Redis orders members of equal score by their bytes, so (score, member) is a total order and a
page starts strictly below the last item of the previous one (:class:`Position`). Members
scored exactly like the cursor are read as a group and filtered (a handful in practice; capped
by ``MAX_TIED``), the rest with one ZREVRANGEBYSCORE below the score.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import redis

from newswatch.core.cursor import Position
from newswatch.store.codec import as_text

MAX_TIED = 100_000  # members sharing the cursor's score that one page may step over


@dataclasses.dataclass(frozen=True)
class Page:
    items: list[tuple[str, float]]  # (member, score), newest first
    next: Position | None  # where the next page starts; None when this one is the last


def _pairs(raw: Any) -> list[tuple[str, float]]:
    return [(as_text(member), float(score)) for member, score in raw]


def newest_first(
    client: redis.Redis,
    key: str,
    *,
    after: Position | None,
    limit: int,
    low: float | None = None,
    high: float | None = None,
) -> Page:
    """At most ``limit`` members of ``key`` with scores in [low, high], newest first, after
    the position ``after`` (None: from the newest)."""
    bottom: float | str = "-inf" if low is None else repr(low)
    top: float | str = "+inf" if high is None else repr(high)
    want = limit + 1  # one more tells whether a next page exists
    items: list[tuple[str, float]] = []
    if after is not None and (high is None or after.score <= high):
        at = repr(after.score)
        tied = _pairs(client.zrevrangebyscore(key, at, at, start=0, num=MAX_TIED, withscores=True))
        items = [(m, s) for m, s in tied if m.encode() < after.member.encode()][:want]
        top = f"({at}"
    if len(items) < want:
        raw = client.zrevrangebyscore(
            key, top, bottom, start=0, num=want - len(items), withscores=True
        )
        items += _pairs(raw)
    if low is not None:
        items = [(m, s) for m, s in items if s >= low]
    more = len(items) > limit
    items = items[:limit]
    last = Position(items[-1][1], items[-1][0]) if more and items else None
    return Page(items, last)
