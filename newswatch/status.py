"""`newswatch status`: the whole deployment on one screen, from Redis (and the API's /metrics
when it answers): processes alive, the queue and its registries, feeds by health with the
worst five, the last hour's throughput and freshness, the last alerts.

Works for any deployment: `newswatch up` (its data directory tells the Redis URL) or the
production split (``--redis-url``, or NEWSWATCH_REDIS_URL).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx
import redis
from prometheus_client.parser import text_string_to_metric_families
from rq import Worker

from newswatch.alerts_cli import format_line
from newswatch.census import Census, FeedHealth, read_census
from newswatch.core.feed_state import NOT_POLLED, NOT_POLLED_WORDS
from newswatch.core.freshness import Span, elapsed, quantile, trusted_published
from newswatch.core.models import Alert
from newswatch.core.times import unix_from_iso
from newswatch.net.capped import read_capped
from newswatch.runtime import find_instance
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from newswatch.store.codec import as_text

HOUR = 3600.0
LAST_ALERTS = 5
MAX_HOUR_ALERTS = 2000  # alerts read for the hour's freshness (the newest ones)
METRICS_TIMEOUT = 3.0  # seconds for the whole /metrics answer
MAX_METRICS_BYTES = 32 * 1024 * 1024  # of the /metrics answer (thousands of topic series fit)


@dataclasses.dataclass(frozen=True)
class Hour:
    """The last hour, from Redis."""

    alerts: int
    stories_touched: int  # stories that gained an article (new or a copy)
    feeds_polled: int
    freshness: dict[str, float]  # p50/p95/p99 of published -> alerted, seconds
    measured: int  # alerts whose published time could be believed


@dataclasses.dataclass(frozen=True)
class Status:
    at: float
    processes: dict[str, int]  # role -> processes alive
    census: Census
    hour: Hour
    last_alerts: list[Alert]
    since_start: dict[str, Any] | None  # from /metrics: counters since the processes started


def collect(client: redis.Redis, now: float, metrics_url: str | None) -> Status:
    census = read_census(client, now)
    recent = _hour_alerts(client, now)
    return Status(
        at=now,
        processes=_processes(client),
        census=census,
        hour=_hour(client, now, recent),
        last_alerts=AlertStore(client).list(limit=LAST_ALERTS),
        since_start=_from_metrics(metrics_url) if metrics_url else None,
    )


def _processes(client: redis.Redis) -> dict[str, int]:
    schedulers: Any = client.hlen(keys.SCHEDULERS)
    return {"scheduler": int(schedulers), "worker": len(Worker.all(connection=client))}


def _hour_alerts(client: redis.Redis, now: float) -> list[Alert]:
    ids: Any = client.zrevrangebyscore(
        keys.ALERTS_BY_TIME, "+inf", now - HOUR, start=0, num=MAX_HOUR_ALERTS
    )
    return AlertStore(client).get_many([as_text(i) for i in ids])


def _hour(client: redis.Redis, now: float, alerts: list[Alert]) -> Hour:
    pipe = client.pipeline(transaction=False)
    pipe.zcount(keys.ALERTS_BY_TIME, now - HOUR, "+inf")
    pipe.zcount(keys.STORIES_BY_TIME, now - HOUR, "+inf")
    alert_count, stories = pipe.execute()
    spans = []
    for alert in alerts:
        created = unix_from_iso(alert.created_at)
        published = trusted_published(alert.article.get("published_at"), created)
        if published is not None:
            spans.append(elapsed(published, created))
    return Hour(
        alerts=int(alert_count),
        stories_touched=int(stories),
        feeds_polled=_feeds_polled(client, now),
        freshness={f"p{round(q * 100)}": quantile(spans, q) for q in (0.5, 0.95, 0.99) if spans},
        measured=len(spans),
    )


def _feeds_polled(client: redis.Redis, now: float) -> int:
    from newswatch.store.feeds import FeedStateStore

    return sum(
        1
        for state in FeedStateStore(client).list_states()
        if (state.get("last_polled_at") or 0) >= now - HOUR
    )


def _from_metrics(url: str) -> dict[str, Any] | None:
    """Counters and freshness quantiles since the processes started, from /metrics; None
    when it does not answer, or answers more than :data:`MAX_METRICS_BYTES`, or not all
    within :data:`METRICS_TIMEOUT`."""
    end = time.monotonic() + METRICS_TIMEOUT
    try:
        with httpx.stream("GET", url, timeout=METRICS_TIMEOUT) as response:
            response.raise_for_status()
            body, whole = read_capped(response, MAX_METRICS_BYTES, end)
    except httpx.HTTPError:
        return None
    return since_start(body.decode("utf-8", "replace")) if whole else None


def since_start(text: str) -> dict[str, Any]:
    """Articles processed by result and freshness quantiles, from a /metrics exposition
    (the web status page reads its own process's, without a request)."""
    processed: dict[str, float] = {}
    buckets: dict[str, list[tuple[float, float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "newswatch_articles_processed_total":
                result = sample.labels.get("result", "")
                processed[result] = processed.get(result, 0) + sample.value
            elif sample.name == "newswatch_freshness_seconds_bucket":
                bound = float(sample.labels["le"])
                buckets.setdefault(sample.labels["span"], []).append((bound, sample.value))
    freshness = {
        span: {f"p{round(q * 100)}": _bucket_quantile(buckets[span], q) for q in (0.5, 0.95)}
        for span in (s.value for s in Span)
        if buckets.get(span) and max(count for _, count in buckets[span]) > 0
    }
    return {"articles": processed, "freshness": freshness}


def _bucket_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Prometheus's histogram_quantile over cumulative (upper bound, count) pairs."""
    ordered = sorted(buckets)
    total = ordered[-1][1]
    rank = q * total
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in ordered:
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 0
            return lower_bound + (bound - lower_bound) * share
        lower_bound, lower_count = bound, count
    return lower_bound


# -- rendering -----------------------------------------------------------------------------


_HEALTH_WORDS = {NOT_POLLED: NOT_POLLED_WORDS}


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _feed_line(feed: FeedHealth) -> str:
    state = feed.state
    why = state.last_error or state.error_reason or ""
    count = state.consecutive_errors
    errors = f"{count} error{'' if count == 1 else 's'}" if count else ""
    parts = [f"{state.health.value:<8}", feed.name[:40], errors, why[:70]]
    return "    " + "  ".join(p for p in parts if p)


def render(status: Status, out: TextIO) -> None:
    c = status.census
    when = datetime.fromtimestamp(status.at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [f"newswatch status at {when}", ""]
    lines.append(
        "Processes   " + ", ".join(f"{n} {role}{'s' if n != 1 else ''} alive"
                                   for role, n in status.processes.items())
    )  # fmt: skip
    for queue, states in c.queue_jobs.items():
        lines.append(f"Queue       {queue}: " + ", ".join(f"{n} {s}" for s, n in states.items()))
    lines.append(f"Deliveries  {c.dead_letters} dead letters waiting for a replay")
    health = ", ".join(f"{n} {_HEALTH_WORDS.get(h, h)}" for h, n in c.feeds_by_health.items())
    lines.append(
        f"Feeds       {c.feeds}: {health}; {c.feeds_silent} silent, {c.feeds_overdue} overdue"
    )
    if c.worst_feeds:
        lines.append("  worst")
        lines += [_feed_line(feed) for feed in c.worst_feeds]
    h = status.hour
    lines.append(
        f"Last hour   {h.alerts} alerts, {h.stories_touched} stories with new articles, "
        f"{h.feeds_polled} feeds polled"
    )
    if h.freshness:
        figures = ", ".join(f"{k} {_duration(v)}" for k, v in h.freshness.items())
        lines.append(f"Freshness   published -> alerted: {figures} ({h.measured} alerts)")
    else:
        lines.append("Freshness   no alert with a believable published time in the last hour")
    if status.since_start is not None:
        articles = ", ".join(
            f"{n:.0f} {r}" for r, n in sorted(status.since_start["articles"].items())
        )
        lines.append(f"Since start {articles or 'no articles'}")
        for span, figures in status.since_start["freshness"].items():
            shown = ", ".join(f"{k} {_duration(v)}" for k, v in figures.items())
            lines.append(f"  {span:<24} {shown}")
    lines.append("Last alerts" if status.last_alerts else "Last alerts none yet")
    lines += ["  " + format_line(alert) for alert in status.last_alerts]
    print("\n".join(lines), file=out, flush=True)


def as_json(status: Status) -> dict[str, Any]:
    c = status.census
    return {
        "at": status.at,
        "processes": status.processes,
        "queues": c.queue_jobs,
        "dead_letters": c.dead_letters,
        "feeds": {
            "total": c.feeds, "by_health": c.feeds_by_health, "silent": c.feeds_silent,
            "overdue": c.feeds_overdue,
            "worst": [{"id": f.feed_id, "name": f.name, "url": f.url,
                       "health": f.state.health.value, "errors": f.state.consecutive_errors,
                       "last_error": f.state.last_error} for f in c.worst_feeds],
        },
        "last_hour": dataclasses.asdict(status.hour),
        "since_start": status.since_start,
        "last_alerts": [{"id": a.id, "topic": a.topic, "created_at": a.created_at,
                         "title": a.article.get("title")} for a in status.last_alerts],
    }  # fmt: skip


def run_status(
    redis_url: str, *, metrics_url: str | None, as_json_output: bool, out: TextIO | None = None
) -> int:
    """0 when the state was read, 2 when Redis cannot be reached."""
    from newswatch.store.connection import connect

    stream = out or sys.stdout
    client = connect(redis_url, socket_timeout=10)
    try:
        status = collect(client, time.time(), metrics_url)
    except redis.RedisError as exc:
        print(f"newswatch status: cannot read Redis: {exc}", file=sys.stderr)
        return 2
    finally:
        client.close()
    if as_json_output:
        print(json.dumps(as_json(status), ensure_ascii=False), file=stream)
    else:
        render(status, stream)
    return 0


def run_status_cli(
    *, redis_url: str | None, metrics_url: str | None, as_json: bool, data_dir: Path | None
) -> int:
    """The command: find the Redis URL and the API's /metrics, then :func:`run_status`."""
    runtime = find_instance("newswatch status", data_dir=data_dir, redis_url=redis_url)
    host = _reachable(runtime.settings.api_host)
    metrics = metrics_url or f"http://{host}:{runtime.settings.api_port}/metrics"
    return run_status(runtime.redis_url, metrics_url=metrics, as_json_output=as_json)


def _reachable(host: str) -> str:
    """Where a client on this machine reaches an API listening on ``host`` (an API listening
    on every interface answers on loopback)."""
    try:
        unspecified = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host
    return "127.0.0.1" if unspecified else host
