"""When to poll a feed next: its interval while it works, exponential backoff while it fails.

Pure: the caller passes everything (interval, error count, the server's Retry-After, a seed
for the jitter). The jitter is derived from the seed, not drawn at random, so the same feed
always gets the same offset: feeds that were added together drift apart and stay apart, and
tests see stable numbers.
"""

from __future__ import annotations

import hashlib

JITTER = 0.1  # at most this fraction of the delay is added on top


def jitter_fraction(seed: str) -> float:
    """A stable number in [0, 1) derived from ``seed``."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def backoff_delay(
    interval: int, consecutive_errors: int, *, min_backoff: int, max_backoff: int
) -> int:
    """The delay before the next poll of a feed that failed ``consecutive_errors`` times in a
    row: ``max(interval, min_backoff)`` doubled per further error, capped at ``max_backoff``
    (or at the interval itself when the interval is longer). A failing feed is never polled
    more often than a working one."""
    base = max(interval, min_backoff, 1)
    cap = max(max_backoff, base)
    exponent = min(max(consecutive_errors, 1) - 1, 62)  # 2**62 is already past any cap
    return min(base << exponent, cap)


def next_poll_delay(
    interval: int,
    consecutive_errors: int,
    *,
    min_backoff: int,
    max_backoff: int,
    retry_after: int | None = None,
    seed: str = "",
    jitter: float = JITTER,
) -> int:
    """Seconds until the next poll of a feed.

    - no errors: the feed's ``interval``;
    - after errors: :func:`backoff_delay`;
    - a ``retry_after`` from the server (429/503) is honoured as a floor, but never beyond
      ``max_backoff`` (a hostile header must not switch a feed off);
    - plus up to ``jitter`` of the delay, derived from ``seed`` (e.g. the feed id).
    """
    if interval < 1:
        raise ValueError(f"interval must be at least 1 second, got {interval}")
    if consecutive_errors < 0:
        raise ValueError(f"consecutive_errors must not be negative, got {consecutive_errors}")
    if min_backoff < 1 or max_backoff < 1:
        raise ValueError(
            f"backoff bounds must be at least 1 second, got min={min_backoff} max={max_backoff}"
        )
    if not 0 <= jitter <= 1:
        raise ValueError(f"jitter must be a fraction in [0, 1], got {jitter}")

    if consecutive_errors == 0:
        delay = interval
    else:
        delay = backoff_delay(
            interval, consecutive_errors, min_backoff=min_backoff, max_backoff=max_backoff
        )
    if retry_after is not None and retry_after > delay:
        delay = min(retry_after, max(max_backoff, interval))
    return delay + int(delay * jitter * jitter_fraction(seed))
