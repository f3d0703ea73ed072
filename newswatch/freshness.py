"""The tiers' one way to observe freshness (``newswatch_freshness_seconds`` by span): the
scheduler when a poll discovers items, the worker when it has extracted an article and when
it has alerted. The spans and what makes a published time trustworthy are in
:mod:`newswatch.core.freshness`; alert -> delivered is ``newswatch_delivery_latency_seconds``.
"""

from __future__ import annotations

from collections.abc import Iterable

from newswatch import metrics
from newswatch.core.freshness import Span, elapsed, trusted_published
from newswatch.core.models import ArticleJob, FeedItem
from newswatch.core.times import iso_from_unix, unix_from_iso


def stamp(ts: float) -> str:
    """How a job carries a moment (``discovered_at``): ISO 8601, to the millisecond."""
    return iso_from_unix(ts, timespec="milliseconds")


def _moment(value: str) -> float | None:
    try:
        return unix_from_iso(value) if value else None
    except ValueError:
        return None


def discovered(items: Iterable[FeedItem], now: float) -> None:
    """A poll at ``now`` found ``items`` new: published -> discovered, for those whose
    published time can be believed."""
    for item in items:
        published = trusted_published(item.published_at, now)
        if published is not None:
            _observe(Span.PUBLISHED_TO_DISCOVERED, elapsed(published, now))


def extracted(job: ArticleJob, now: float) -> None:
    """A worker finished extracting ``job``'s article at ``now``."""
    found = _moment(job.discovered_at)
    if found is not None:
        _observe(Span.DISCOVERED_TO_EXTRACTED, elapsed(found, now))


def alerted(job: ArticleJob, extracted_at: float, alerts: int, now: float) -> None:
    """``alerts`` new alerts were written at ``now`` for ``job``'s article, extracted at
    ``extracted_at``; each counts once, as users receive each."""
    if alerts <= 0:
        return
    found = _moment(job.discovered_at)
    published = trusted_published(job.published_at, found) if found is not None else None
    for _ in range(alerts):
        _observe(Span.EXTRACTED_TO_ALERTED, elapsed(extracted_at, now))
        if published is not None:
            _observe(Span.PUBLISHED_TO_ALERTED, elapsed(published, now))


def _observe(span: Span, seconds: float) -> None:
    metrics.FRESHNESS_SECONDS.labels(span.value).observe(seconds)
