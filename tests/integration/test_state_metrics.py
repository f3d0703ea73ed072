"""The deployment's state read from Redis at scrape time: feeds by health (and the worst of
them), silent and overdue feeds, the rq queue and its registries, the newest alert; served by
/metrics through one collector, whichever processes run or died."""

from __future__ import annotations

import io
import time

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from rq import Queue

from newswatch import metrics
from newswatch.census import read_census
from newswatch.core.catalog import Feed
from newswatch.core.feed_state import FeedState, Health
from newswatch.core.liveness import Beat
from newswatch.core.models import Alert
from newswatch.core.times import iso_from_unix
from newswatch.embedded_redis import free_port
from newswatch.state_metrics import StateCollector
from newswatch.status import as_json, collect, render
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.feeds import FeedStateStore
from newswatch.store.heartbeats import HeartbeatStore
from newswatch.up_console import status_line
from tests.support.origin import Origin, Route

NOW = time.time()


def _feeds(client: redis.Redis) -> dict[str, Feed]:
    catalog = CatalogStore(client)
    states = FeedStateStore(client)
    feeds = {}
    for n, (health, errors, interval) in enumerate([
        (Health.OK, 0, 900), (Health.OK, 0, 900), (Health.SLOW, 0, 3600),
        (Health.FAILING, 2, 300), (Health.FAILING, 7, 300), (Health.PARKED, 40, 86400),
    ]):  # fmt: skip
        feed = Feed(url=f"https://site{n}.example/rss", name=f"site{n}")
        catalog.add(feed, origin="test")
        states.put_state(feed.id, FeedState(
            last_status="error" if errors else "ok", last_polled_at=NOW - 600,
            health=health, consecutive_errors=errors, interval=interval,
            # site1 published ten items an hour, and nothing for a day
            rate=10.0 if n == 1 else None, last_new_at=NOW - 86400 if n == 1 else None,
        ))  # fmt: skip
        feeds[feed.name] = feed
    for feed in feeds.values():  # a new feed is due at once: these were polled already
        states.reschedule(feed.id, NOW + 600)
    states.reschedule(feeds["site0"].id, NOW - 3600)  # due an hour ago: overdue
    return feeds


def _enqueue(client: redis.Redis, count: int, batch: str = "a") -> None:
    queue = Queue(keys.ARTICLE_QUEUE, connection=client)
    for n in range(count):
        queue.enqueue("worker.tasks.process_articles", args=([],), job_id=f"job-{batch}{n}")


def test_census_counts_feeds_queues_and_the_newest_alert(redis_client: redis.Redis) -> None:
    _feeds(redis_client)
    _enqueue(redis_client, 3)
    alert = Alert(id="a1", topic="t", created_at=iso_from_unix(NOW - 30), matched=[],
                  snippet="", article={"id": "x"}, story_id="s1")  # fmt: skip
    AlertStore(redis_client).add(alert)

    census = read_census(redis_client, NOW)

    assert census.feeds_by_health == {"ok": 2, "slow": 1, "failing": 2, "parked": 1, "new": 0}
    assert census.feeds == 6
    assert census.feeds_by_interval == {"300": 2, "900": 2, "3600": 1, "86400": 1}
    assert census.feeds_silent == 1
    assert census.feeds_overdue == 1
    # worst first: parked, then failing by errors, then slow; healthy ones left out
    assert [f.name for f in census.worst_feeds] == ["site5", "site4", "site3", "site2"]
    assert census.queue_jobs[keys.ARTICLE_QUEUE]["queued"] == 3
    assert census.dead_letters == 0
    assert census.newest_alert_at is not None
    assert abs(census.newest_alert_at - (NOW - 30)) < 1


def test_feeds_never_polled_are_counted_apart_not_as_ok(redis_client: redis.Redis) -> None:
    _feeds(redis_client)
    for n in (6, 7):  # configured, not polled yet (no state, or the default one)
        feed = Feed(url=f"https://site{n}.example/rss", name=f"site{n}")
        CatalogStore(redis_client).add(feed, origin="test")
    FeedStateStore(redis_client).put_state(Feed(url="https://site7.example/rss").id, FeedState())

    census = read_census(redis_client, NOW)
    assert census.feeds_by_health == {"ok": 2, "slow": 1, "failing": 2, "parked": 1, "new": 2}
    assert "site6" not in [f.name for f in census.worst_feeds]  # not unhealthy either
    families = _families(metrics.render_latest([StateCollector(redis_client, reap_after=60)])[0])
    assert ({"health": "ok"}, 2.0) in families["newswatch_feeds"]
    assert ({"health": "new"}, 2.0) in families["newswatch_feeds"]
    status = collect(redis_client, NOW, None)
    screen = io.StringIO()
    render(status, screen)
    assert (
        "Feeds       8: 2 ok, 1 slow, 2 failing, 1 parked, 2 not yet polled;" in screen.getvalue()
    )
    assert as_json(status)["feeds"]["by_health"]["new"] == 2
    line = status_line(census, articles=0, alerts=0, at=NOW)
    assert "feeds 2 ok, 3 failing, 1 parked, 2 not yet polled · queue 0" in line
    shown = {row["name"]: row["health"] for row in FeedStateStore(redis_client).list_states()}
    assert shown["site6"] == shown["site7"] == "new" and shown["site0"] == "ok"


def test_an_empty_deployment_has_no_newest_alert(redis_client: redis.Redis) -> None:
    census = read_census(redis_client, NOW)
    assert census.feeds == 0 and census.worst_feeds == []
    assert census.newest_alert_at is None


def _families(exposition: bytes) -> dict[str, list[tuple[dict[str, str], float]]]:
    return {
        family.name: [(dict(s.labels), s.value) for s in family.samples]
        for family in text_string_to_metric_families(exposition.decode())
    }


def test_metrics_serve_the_state_read_at_scrape_time(redis_client: redis.Redis) -> None:
    _feeds(redis_client)
    _enqueue(redis_client, 2)
    collector = StateCollector(redis_client, reap_after=60)
    first = _families(metrics.render_latest([collector])[0])
    assert first["newswatch_state_scrape_ok"] == [({}, 1.0)]
    assert ({"health": "failing"}, 2.0) in first["newswatch_feeds"]
    assert first["newswatch_queue_depth"] == [({}, 2.0)]
    assert ({"queue": keys.ARTICLE_QUEUE, "state": "queued"}, 2.0) in first["newswatch_queue_jobs"]
    assert "newswatch_last_alert_timestamp_seconds" not in first  # never an alert yet
    # no process counted anything in between: the next scrape reads Redis again
    _enqueue(redis_client, 5, batch="b")
    second = _families(metrics.render_latest([collector])[0])
    assert second["newswatch_queue_depth"] == [({}, 7.0)]


def test_a_redis_outage_is_reported_not_raised() -> None:
    nobody = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=2)
    collector = StateCollector(nobody, reap_after=60)
    families = _families(metrics.render_latest([collector])[0])
    assert families["newswatch_state_scrape_ok"] == [({}, 0.0)]
    assert "newswatch_feeds" not in families


def test_heartbeats_give_each_roles_freshest_age_and_its_silent_processes(
    redis_client: redis.Redis,
) -> None:
    beats = HeartbeatStore(redis_client)
    now = time.time()  # the collector reads the clock: not the module's import time
    for name, age in (("w1", 2.0), ("w2", 300.0)):  # w2 was killed five minutes ago
        beats.beat(Beat("worker", name, "h", 1, at=now - age, started_at=now - 3600))
    beats.beat(Beat("scheduler", "s1", "h", 2, at=now - 200.0, started_at=now - 3600))
    families = _families(metrics.render_latest([StateCollector(redis_client, reap_after=60)])[0])

    ages = {labels["role"]: value for labels, value in families["newswatch_heartbeat_age_seconds"]}
    assert ages.keys() == {"worker", "scheduler"}  # no api or supervisor ever beat here
    assert 2 <= ages["worker"] < 60 and 200 <= ages["scheduler"] < 260
    processes = {
        (labels["role"], labels["state"]): value
        for labels, value in families["newswatch_processes"]
    }
    assert processes[("worker", "alive")] == 1 and processes[("worker", "silent")] == 1
    assert processes[("scheduler", "alive")] == 0 and processes[("scheduler", "silent")] == 1
    assert processes[("api", "alive")] == processes[("api", "silent")] == 0


def test_the_counts_since_start_are_read_from_metrics_within_a_byte_cap(
    origin: Origin, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newswatch import status as status_module

    exposition = b'newswatch_articles_processed_total{result="extracted"} 3.0\n' + b"#\n" * 500
    origin.routes["/metrics"] = Route(exposition, content_type="text/plain")
    assert status_module._from_metrics(origin.url("/metrics")) == {
        "articles": {"extracted": 3.0}, "freshness": {},
    }  # fmt: skip
    monkeypatch.setattr(status_module, "MAX_METRICS_BYTES", 1000)  # the answer is 1060 bytes
    assert status_module._from_metrics(origin.url("/metrics")) is None
