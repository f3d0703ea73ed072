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
from newswatch.core.liveness import ROLES, Beat, is_alive
from newswatch.logs import get_logger
from newswatch.store import keys
from newswatch.store.heartbeats import HeartbeatStore

log = get_logger(__name__)


class StateCollector(Collector):
    """Yields :data:`newswatch.metrics.SCRAPE_TIME_GAUGES` from one census of Redis. When
    Redis does not answer, it yields nothing (the scrape still serves every process's
    counters) and says so in ``newswatch_state_scrape_ok``."""

    def __init__(self, client: redis.Redis, *, reap_after: float) -> None:
        self.client = client
        self.reap_after = reap_after

    def collect(self) -> Iterator[GaugeMetricFamily]:
        ok = _gauge("newswatch_state_scrape_ok")
        now = time.time()
        try:
            census = read_census(self.client, now)
            beats = HeartbeatStore(self.client).all()
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
        yield from self._liveness(beats, now)
        if census.newest_alert_at is not None:
            yield _single("newswatch_last_alert_timestamp_seconds", census.newest_alert_at)

    def _liveness(self, beats: list[Beat], now: float) -> Iterator[GaugeMetricFamily]:
        age = _gauge("newswatch_heartbeat_age_seconds")
        processes = _gauge("newswatch_processes")
        for role in ROLES:
            of_role = [beat for beat in beats if beat.role == role]
            if of_role:
                age.add_metric([role], max(0.0, now - max(beat.at for beat in of_role)))
            alive = sum(is_alive(beat, now, self.reap_after) for beat in of_role)
            processes.add_metric([role, "alive"], alive)
            processes.add_metric([role, "silent"], len(of_role) - alive)
        yield age
        yield processes


def _gauge(name: str) -> GaugeMetricFamily:
    help_text, labels = metrics.SCRAPE_TIME_GAUGES[name]
    return GaugeMetricFamily(name, help_text, labels=list(labels))


def _single(name: str, value: float) -> GaugeMetricFamily:
    gauge = _gauge(name)
    gauge.add_metric([], value)
    return gauge
