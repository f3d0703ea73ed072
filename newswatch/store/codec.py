"""Values read back from Redis: bytes (the default client) or str (a client made with
``decode_responses=True``) become str in one way."""

from __future__ import annotations


def as_text(value: bytes | str, errors: str = "strict") -> str:
    """``errors="replace"`` for values strangers wrote (feed headers, failure messages)."""
    return value.decode("utf-8", errors) if isinstance(value, bytes) else str(value)


def lenient_text(value: bytes | str) -> str:
    """:func:`as_text` that never raises on bad UTF-8 (it becomes U+FFFD)."""
    return as_text(value, errors="replace")
