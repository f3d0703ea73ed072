"""Every Prometheus metric newswatch exposes, declared once.

Labels carry only small closed sets (result, reason, stage, topic name); never a URL, title,
query or article id.

Process model: ``newswatch up`` runs the scheduler, N workers and the API as separate
processes. It points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before starting them, so
each process writes its samples there and the API's ``/metrics`` serves the sum of all
(:func:`render_latest`). A process started alone serves its own registry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.registry import Collector

from newswatch.logs import get_logger

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

_STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# scheduler
FEED_POLLS = Counter(
    "newswatch_feed_polls_total",
    "Feed polls by result (ok, not_modified, unchanged, error).",
    ["result"],
)
FEED_POLL_ERRORS = Counter(
    "newswatch_feed_poll_errors_total",
    "Failed feed polls by reason (dns, timeout, http_status, unparseable, ...).",
    ["reason"],
)
FEED_ITEMS_NEW = Counter("newswatch_feed_items_new_total", "Feed items not seen before.")
FEED_PARSES = Counter(
    "newswatch_feed_parses_total",
    "Feed bodies parsed, by what was read: whole, or new_items (the items written since the "
    "last parse only).",
    ["read"],
)
PAGES_FETCHED = Counter(
    "newswatch_pages_fetched_total",
    "Article page fetches by result (ok, error, feed_content).",
    ["result"],
)
FETCHED_BYTES = Counter("newswatch_fetched_bytes_total", "Bytes received from origins.")
_LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)
FETCH_SECONDS = Histogram(
    "newswatch_fetch_duration_seconds",
    "Duration of feed and page requests (redirects and body included), by kind (feed, page).",
    ["kind"],
    buckets=(*_STAGE_BUCKETS, 20.0, 60.0),
)
FETCH_BODY_BYTES = Histogram(
    "newswatch_fetch_body_bytes",
    "Size of fetched bodies after decoding, by kind (feed, page).",
    ["kind"],
    buckets=(1024, 8192, 32768, 131072, 524288, 2097152, 8388608),
)
POLITENESS_WAIT_SECONDS = Histogram(
    "newswatch_politeness_wait_seconds",
    "Time requests waited for their host's slot (per-host limit and gap, every instance).",
    buckets=_LAG_BUCKETS,
)
POLL_LATENESS_SECONDS = Histogram(
    "newswatch_feed_poll_lateness_seconds",
    "How late feeds were claimed against the time they were due.",
    buckets=_LAG_BUCKETS,
)
LOOP_LAG_SECONDS = Histogram(
    "newswatch_event_loop_lag_seconds",
    "How late the scheduler's event loop ran a timer (a blocked loop delays every poll).",
    buckets=_LAG_BUCKETS,
)
FEED_EVENTS = Counter(
    "newswatch_feed_events_total",
    "Feed state changes: parked, unparked, moved (301 held), validators_distrusted (a wrong "
    "304), churn (GUIDs changed en masse).",
    ["event"],
)
CHURN_ITEMS = Counter(
    "newswatch_feed_churn_items_total",
    "Items held back by the GUID churn guard (known by URL or title under a new GUID).",
)
JOBS_REAPED = Counter(
    "newswatch_jobs_reaped_total",
    "Started jobs of dead workers (no heartbeat for reap_after seconds) enqueued again.",
)
JOBS_ENQUEUED = Counter("newswatch_jobs_enqueued_total", "rq jobs enqueued for the workers.")
ARTICLES_ENQUEUED = Counter("newswatch_articles_enqueued_total", "Articles handed to the workers.")

# worker
ARTICLES_PROCESSED = Counter(
    "newswatch_articles_processed_total",
    "Articles handled by workers, by result (extracted, duplicate, failed).",
    ["result"],
)
EXTRACTION_FAILURES = Counter(
    "newswatch_extraction_failures_total",
    "Articles that yielded no text, by reason.",
    ["reason"],
)
ALERTS_CREATED = Counter("newswatch_alerts_created_total", "Alerts written, by topic.", ["topic"])
ALERTS_UPDATED = Counter(
    "newswatch_alerts_updated_total", "Alert updates: a copy brought their story new sources."
)
STORY_PLACEMENTS = Counter(
    "newswatch_story_placements_total",
    "Articles placed in stories, by how (new story, near copy, exact copy, again).",
    ["how"],
)
NEARDUP_CANDIDATES = Counter(
    "newswatch_neardup_candidates_total",
    "Candidates of the near-duplicate index whose signature was compared with a new article's.",
)
NEARDUP_CONFIRMED = Counter(
    "newswatch_neardup_confirmed_total",
    "Near-duplicate candidates confirmed (similar enough): the article joined their story.",
)

# delivery
DELIVERIES = Counter(
    "newswatch_deliveries_total",
    "Delivery attempts by channel kind (webhook, mailto, ntfy, ...) and outcome (sent, retry, "
    "dead, disabled, dropped).",
    ["channel", "outcome"],
)
DELIVERY_LATENCY = Histogram(
    "newswatch_delivery_latency_seconds",
    "From an alert's creation to its delivery (digests: from the oldest alert they hold).",
    ["channel"],
    buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600),
)
APPRISE_OVERDUE = Counter(
    "newswatch_apprise_overdue_total",
    "Apprise sends past the delivery timeout, by outcome: left_running (its thread left to end "
    "when the receiver lets go), refused (not started: too many still running, per host or in "
    "all).",
    ["outcome"],
)
DIGESTS_SENT = Counter(
    "newswatch_digests_sent_total", "Digests delivered, by channel kind.", ["channel"]
)

# freshness (spans and the trust in published times: newswatch/core/freshness.py)
FRESHNESS_SECONDS = Histogram(
    "newswatch_freshness_seconds",
    "Seconds between an article's moments, by span: published_to_discovered (the feed's "
    "published time, when believable), discovered_to_extracted, extracted_to_alerted, "
    "published_to_alerted (each new alert).",
    ["span"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200,
             21600, 86400),
)  # fmt: skip

# Redis, counted by the client of every process (newswatch/store/connection.py)
REDIS_ROUND_TRIPS = Counter(
    "newswatch_redis_round_trips_total",
    "Requests sent to Redis and answered (a pipeline or a script is one), by client "
    "(worker_articles: the worker's jobs, worker_queue: its rq dequeue and bookkeeping, "
    "worker_background: its heartbeat and deliveries, other: any other blocking client).",
    ["client"],
)
REDIS_COMMANDS = Counter(
    "newswatch_redis_commands_total",
    "Commands sent to Redis (each of a pipeline; a script counts one, not the commands it runs), "
    "by client (as newswatch_redis_round_trips_total).",
    ["client"],
)

# every stage
STAGE_SECONDS = Histogram(
    "newswatch_stage_duration_seconds",
    "Time spent per stage (poll, fetch_page, extract, dedup, match, store, job).",
    ["stage"],
    buckets=_STAGE_BUCKETS,
)
# Read from Redis at scrape time by one collector in the API (newswatch/state_metrics.py), so
# they are the deployment's, current whichever processes run or died: name -> (help, labels).
SCRAPE_TIME_GAUGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "newswatch_state_scrape_ok": (
        "1 when this scrape read the deployment's state from Redis, 0 when Redis did not answer "
        "(the state gauges are then missing).",
        (),
    ),
    "newswatch_feeds": (
        "Configured feeds by health (ok, slow, failing, parked; new: not polled yet).",
        ("health",),
    ),
    "newswatch_feeds_by_interval": (
        "Configured feeds by current poll interval (upto: 300, 900, 3600, 21600, 86400, more).",
        ("upto",),
    ),
    "newswatch_feeds_silent": (
        "Feeds with no new item for longer than their publishing rate makes likely (5 expected "
        "items missing).",
        (),
    ),
    "newswatch_feeds_overdue": ("Feeds due for more than a minute and not polled.", ()),
    "newswatch_queue_depth": ("Jobs waiting in the article queue.", ()),
    "newswatch_queue_jobs": (
        "rq jobs by queue and state (queued, started, deferred, scheduled, failed).",
        ("queue", "state"),
    ),
    "newswatch_dead_letters": ("Deliveries that failed for good and wait for a replay.", ()),
    "newswatch_heartbeat_age_seconds": (
        "Seconds since the newest heartbeat of any process of the role (scheduler, worker, api, "
        "supervisor); absent for a role with no heartbeat listed.",
        ("role",),
    ),
    "newswatch_processes": (
        "Processes listed by their heartbeats, by role and state (alive; silent: no heartbeat "
        "for reap_after seconds, killed or hung, listed for a day unless it comes back).",
        ("role", "state"),
    ),
    "newswatch_last_alert_timestamp_seconds": (
        "Unix time of the newest alert (absent until the first alert).",
        (),
    ),
}


def render_latest(collectors: Iterable[Collector] = ()) -> tuple[bytes, str]:
    """The exposition text for /metrics: all processes' samples in multiprocess mode, this
    process's otherwise; then what ``collectors`` read now (the API's state gauges)."""
    extra = CollectorRegistry()
    for collector in collectors:
        extra.register(collector)
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry) + generate_latest(extra), CONTENT_TYPE_LATEST
    return generate_latest() + generate_latest(extra), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """Tell multiprocess mode that a child exited (drops its live gauges)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def serve_own_metrics(port: int) -> None:
    """A scheduler or worker started alone serves its own /metrics on ``port``; under
    `newswatch up` (multiprocess mode) the API serves everyone's sum instead."""
    if os.environ.get(MULTIPROC_ENV):
        return
    log = get_logger("newswatch.metrics")
    try:
        start_http_server(port)
    except OSError as exc:
        log.warning("metrics port unavailable, no /metrics", port=port, error=str(exc))
        return
    log.info("metrics served", port=port)
