"""The gauges read from Redis at scrape time: one collector, registered by the API's
``/metrics``, so the numbers are the deployment's (whichever schedulers and workers run, or
died) and current (no process must have counted them lately)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import redis
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from newswatch import metrics
from newswatch.census import QUEUE_STATES, read_census
from newswatch.logs import get_logger
from newswatch.store import keys

log = get_logger(__name__)


class StateCollector(Collector):
    """Yields :data:`newswatch.metrics.SCRAPE_TIME_GAUGES` from one census of Redis. When
    Redis does not answer, it yields nothing (the scrape still serves every process's
    counters) and says so in ``newswatch_state_scrape_ok``."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def collect(self) -> Iterator[GaugeMetricFamily]:
        ok = _gauge("newswatch_state_scrape_ok")
        try:
            census = read_census(self.client, time.time())
        except redis.RedisError as exc:
            log.warning("state metrics unavailable", reason="redis error", error=str(exc))
            ok.add_metric([], 0)
            yield ok
            return
        ok.add_metric([], 1)
        yield ok
        health = _gauge("newswatch_feeds")
        for name, count in census.feeds_by_health.items():
            health.add_metric([name], count)
        yield health
        by_interval = _gauge("newswatch_feeds_by_interval")
        for bucket, count in census.feeds_by_interval.items():
            by_interval.add_metric([bucket], count)
        yield by_interval
        yield _single("newswatch_feeds_silent", census.feeds_silent)
        yield _single("newswatch_feeds_overdue", census.feeds_overdue)
        articles = census.queue_jobs[keys.ARTICLE_QUEUE]
        yield _single("newswatch_queue_depth", articles["queued"])
        jobs = _gauge("newswatch_queue_jobs")
        for queue, states in census.queue_jobs.items():
            for state in QUEUE_STATES:
                jobs.add_metric([queue, state], states[state])
        yield jobs
        yield _single("newswatch_dead_letters", census.dead_letters)
        if census.newest_alert_at is not None:
            yield _single("newswatch_last_alert_timestamp_seconds", census.newest_alert_at)


def _gauge(name: str) -> GaugeMetricFamily:
    help_text, labels = metrics.SCRAPE_TIME_GAUGES[name]
    return GaugeMetricFamily(name, help_text, labels=list(labels))


def _single(name: str, value: float) -> GaugeMetricFamily:
    gauge = _gauge(name)
    gauge.add_metric([], value)
    return gauge
