"""The failure log: one capped Redis stream that every tier appends to (feed polls, page
fetches, article extraction) and the API reads (``/api/failures``). Messages may name URLs:
they stay here, never in a metric label."""

from __future__ import annotations

from typing import Any

import redis

from newswatch.store import keys
from newswatch.store.codec import lenient_text

FAILURES_MAXLEN = 10_000
MESSAGE_CHARS = 2_000  # failure messages are for people; keep the stream small
_STAGE_OF_KIND = {"feed": "poll", "page": "fetch_page"}


def failure_entry(
    *, kind: str, reason: str, message: str, at: float, stage: str = "", **ids: str
) -> dict[str, str]:
    """The stream fields of one failure. ``kind`` is "feed", "page" or "article"; ``stage``
    defaults to the kind's (poll, fetch_page); ``ids`` are the feed_id, url, item_key or
    article_id it concerns."""
    return {
        "kind": kind,
        "stage": stage or _STAGE_OF_KIND.get(kind, kind),
        "reason": reason,
        "message": message[:MESSAGE_CHARS],
        "at": repr(at),
        **ids,
    }


def record_failure(
    client: redis.Redis,
    *,
    kind: str,
    reason: str,
    message: str,
    at: float,
    stage: str = "",
    maxlen: int = FAILURES_MAXLEN,
    **ids: str,
) -> str:
    """Append a failure (:func:`failure_entry`) and return its stream entry id; the stream is
    capped at about ``maxlen``. The scheduler appends its own in its pipelined poll write."""
    fields = failure_entry(kind=kind, reason=reason, message=message, at=at, stage=stage, **ids)
    entry = client.xadd(keys.FAILURES, fields, maxlen=maxlen, approximate=True)  # type: ignore[arg-type]
    return lenient_text(entry)


def read_failures(client: redis.Redis, count: int = 100) -> list[dict[str, str]]:
    """The newest failures first (for operators and tests)."""
    out = []
    entries: Any = client.xrevrange(keys.FAILURES, count=count)
    for entry_id, fields in entries:
        item = {lenient_text(k): lenient_text(v) for k, v in fields.items()}
        item["id"] = lenient_text(entry_id)
        out.append(item)
    return out


def failures_page(
    client: redis.Redis, *, before: str | None = None, count: int = 100
) -> tuple[list[dict[str, str]], str | None]:
    """Newest first, starting below the entry id ``before`` (None: from the newest); returns
    the failures and the id the next page starts below (None: no more)."""
    top = f"({before}" if before else "+"
    entries: Any = client.xrevrange(keys.FAILURES, max=top, min="-", count=count + 1)
    out = []
    for entry_id, fields in entries[:count]:
        item = {lenient_text(k): lenient_text(v) for k, v in fields.items()}
        item["id"] = lenient_text(entry_id)
        out.append(item)
    return out, (out[-1]["id"] if len(entries) > count else None)
