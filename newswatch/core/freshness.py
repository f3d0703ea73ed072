"""How fresh an alert is: the spans between an article's moments (published by its feed,
discovered by a poll, extracted by a worker, alerted), measured by the tiers and observed in
``newswatch_freshness_seconds``.

A feed's published time is a claim of the publisher: it is used only when it is trustworthy,
that is in the past (give or take a few minutes of clock skew) and not absurdly old. An item
published days ago and discovered now is a feed's backlog (the first poll of a new feed, an
old story republished), not a measure of how fast newswatch is.
"""

from __future__ import annotations

import enum

from newswatch.core.times import unix_from_iso

# how far in the future a published time may be and still be believed (clocks disagree); a
# time within it counts as "just now"
FUTURE_SKEW = 300.0
# a published time older than this, at discovery, is backlog, not freshness
MAX_PUBLISHED_AGE = 24 * 3600.0


class Span(enum.StrEnum):
    """The spans measured (the ``span`` label: a closed set)."""

    PUBLISHED_TO_DISCOVERED = "published_to_discovered"
    DISCOVERED_TO_EXTRACTED = "discovered_to_extracted"
    EXTRACTED_TO_ALERTED = "extracted_to_alerted"
    PUBLISHED_TO_ALERTED = "published_to_alerted"


def trusted_published(published_at: str | None, discovered: float) -> float | None:
    """The Unix time of a feed's ``published_at`` if it can be believed at ``discovered``
    (the moment a poll found the item), else None: missing, unreadable, in the future beyond
    :data:`FUTURE_SKEW`, or older than :data:`MAX_PUBLISHED_AGE`."""
    if not published_at:
        return None
    try:
        published = unix_from_iso(published_at)
    except ValueError:
        return None
    if published > discovered + FUTURE_SKEW or discovered - published > MAX_PUBLISHED_AGE:
        return None
    return min(published, discovered)


def elapsed(start: float, end: float) -> float:
    """Seconds from ``start`` to ``end``, never negative (two machines' clocks may disagree
    by a little)."""
    return max(0.0, end - start)


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, interpolated between the two nearest ranks
    (numpy's default). ``values`` must not be empty."""
    if not values:
        raise ValueError("quantile of no values")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
