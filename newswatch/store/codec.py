"""Values read back from Redis: bytes (the default client) or str (a client made with
``decode_responses=True``) become str in one way; and the unix times that scores hold."""

from __future__ import annotations

from datetime import UTC, datetime


def as_text(value: bytes | str, errors: str = "strict") -> str:
    """``errors="replace"`` for values strangers wrote (feed headers, failure messages)."""
    return value.decode("utf-8", errors) if isinstance(value, bytes) else str(value)


def lenient_text(value: bytes | str) -> str:
    """:func:`as_text` that never raises on bad UTF-8 (it becomes U+FFFD)."""
    return as_text(value, errors="replace")


def unix_time(moment: datetime) -> float:
    """The unix time of ``moment`` (a naive one is taken as UTC), as scores store it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
