"""The scheduler against a real Redis and a real HTTP origin on 127.0.0.1.

The origin (tests/support/origin.py) serves RSS feeds and article pages from a routing table
the test edits, honours If-None-Match, and counts requests per path. Tests drive whole cycles
with ``SchedulerService.run_once()`` and a clock they move by hand, so nothing sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from aiohttp.abc import AbstractResolver, ResolveResult
from prometheus_client import REGISTRY

from newswatch.config import Settings
from newswatch.core.catalog import Feed
from newswatch.core.models import short_hash
from newswatch.store import keys
from newswatch.store.failures import read_failures
from newswatch.store.feeds import FeedStateStore
from newswatch.store.pages import load_pages
from scheduler.service import SchedulerService
from tests.support.origin import Origin, Route
from tests.support.scheduling import (
    START,
    Clock,
    article_page,
    cycle,
    items,
    make_settings,
    publish,
    queued_articles,
    queued_batches,
    run,
    serve_feed,
    with_jitter,
)

REPO = Path(__file__).resolve().parents[2]


# -- tests -------------------------------------------------------------------------------------


def test_new_items_become_one_batch_with_pages_stored(
    redis_client: redis.Redis, origin: Origin, redis_url: str, clock: Clock
) -> None:
    # the batch fills with the third article; the suite's 10 ms linger sometimes flushed
    # before the redirected page was in (two batches, a flaky failure)
    settings = make_settings(redis_url, batch_size=3, batch_linger=5.0)
    serve_feed(origin, "/feed.xml", items(1, 2, 3), etag='"v1"')
    origin.routes["/a/3"] = Route(status=301, location="/a/3-moved")
    origin.routes["/a/3-moved"] = Route(body=article_page("Story number 3"))
    feed = Feed(url=origin.url("/feed.xml"), name="test-feed")
    publish(redis_client, feed)

    (report,) = cycle(redis_client, settings, clock)

    assert (report.result, report.new_items) == ("ok", 3)
    (batch,) = queued_batches(redis_client)
    by_key = {job["item_key"]: job for job in batch}
    assert sorted(by_key) == ["story-1", "story-2", "story-3"]
    first = by_key["story-1"]
    link = origin.url("/a/1")
    assert first["article_id"] == short_hash("article", feed.id, "story-1")
    assert (first["feed_id"], first["feed_name"], first["title"]) == (
        feed.id,
        "test-feed",
        "Story number 1",
    )
    assert first["url"] == link
    assert first["from_feed_content"] is False
    assert first["queued_at"].endswith("Z")
    assert by_key["story-3"]["url"] == origin.url("/a/3-moved")  # final URL after redirect
    assert by_key["story-3"]["article_id"] == short_hash("article", feed.id, "story-3")
    pages = load_pages(redis_client, [job["page_key"] for job in batch])
    assert pages[first["page_key"]] == article_page("Story number 1")
    assert pages[by_key["story-3"]["page_key"]] == article_page("Story number 3")
    assert 0 < redis_client.ttl(first["page_key"]) <= settings.page_ttl

    state = FeedStateStore(redis_client).get_state(feed.id)
    assert state.last_status == "ok"
    assert (state.items_total, state.last_new_items, state.consecutive_errors) == (3, 3, 0)
    assert state.etag == '"v1"'
    assert state.title == "Test feed"
    # adaptive: the rate is not known after one fetch, so the initial interval (15 min)
    expected_next = START + with_jitter(900, feed.id)
    assert (state.interval, state.next_poll_at) == (900, expected_next)
    assert redis_client.zscore(keys.SCHEDULE, feed.id) == expected_next
    assert redis_client.zcard(keys.feed_seen(feed.id)) == 3


def test_second_poll_is_conditional_and_a_304_enqueues_nothing(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/feed.xml", items(1, 2), etag='"v1"')
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)
    cycle(redis_client, settings, clock)
    assert cycle(redis_client, settings, clock) == []  # not due yet: nothing polled
    assert origin.hits("/feed.xml") == 1

    clock.advance(1200)
    (report,) = cycle(redis_client, settings, clock)

    assert (report.result, report.new_items) == ("not_modified", 0)
    assert origin.headers_of("/feed.xml")[-1].get("If-None-Match") == '"v1"'
    assert len(queued_articles(redis_client)) == 2  # nothing more than the first poll
    assert origin.page_hits() == 2
    state = FeedStateStore(redis_client).get_state(feed.id)
    assert (state.last_status, state.items_total) == ("not_modified", 2)


def test_changed_feed_enqueues_only_the_new_item(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/feed.xml", items(1, 2), etag='"v1"')
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)
    cycle(redis_client, settings, clock)

    serve_feed(origin, "/feed.xml", items(3, 1, 2), etag='"v2"')
    clock.advance(1200)
    (report,) = cycle(redis_client, settings, clock)

    assert (report.result, report.new_items) == ("ok", 1)
    keys_queued = [job["item_key"] for job in queued_articles(redis_client)]
    assert sorted(keys_queued) == ["story-1", "story-2", "story-3"]
    assert origin.hits("/a/1") == 1  # old pages are not fetched again
    assert FeedStateStore(redis_client).get_state(feed.id).items_total == 3


def test_a_changed_feed_is_parsed_for_its_new_items_only(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    def parses() -> dict[str, float]:
        return {read: REGISTRY.get_sample_value("newswatch_feed_parses_total", {"read": read})
                or 0.0 for read in ("whole", "new_items")}  # fmt: skip

    serve_feed(origin, "/feed.xml", items(1, 2), etag='"v1"')
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)
    before = parses()
    cycle(redis_client, settings, clock)
    serve_feed(origin, "/feed.xml", items(3, 1, 2), etag='"v2"')
    clock.advance(1200)
    (report,) = cycle(redis_client, settings, clock)
    edited = [{**entry, "title": "Story number 1, corrected"} for entry in items(1)]
    serve_feed(origin, "/feed.xml", items(3) + edited + items(2), etag='"v3"')
    clock.advance(1200)
    (again,) = cycle(redis_client, settings, clock)

    after = parses()
    assert (after["whole"] - before["whole"], after["new_items"] - before["new_items"]) == (1, 2)
    assert (report.new_items, again.result, again.new_items) == (1, "ok", 0)
    assert sorted(job["item_key"] for job in queued_articles(redis_client)) == [
        "story-1", "story-2", "story-3",
    ]  # fmt: skip
    assert len(redis_client.get(keys.feed_items(feed.id)).split(b",")) == 3


def test_failing_feeds_record_specific_errors_and_back_off_while_the_good_one_flows(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/good.xml", items(1, 2), etag=None)
    origin.routes["/broken.xml"] = Route(status=500, body=b"oops", content_type="text/plain")
    origin.routes["/garbage.xml"] = Route(
        body=b"<html><body>this is not a feed</body></html>", content_type="application/xml"
    )
    good = Feed(url=origin.url("/good.xml"), name="good")
    broken = Feed(url=origin.url("/broken.xml"), name="broken", interval=300)
    nowhere = Feed(url="http://nothing.invalid/rss", name="nowhere", interval=300)
    garbage = Feed(url=origin.url("/garbage.xml"), name="garbage", interval=300)
    publish(redis_client, good, broken, nowhere, garbage)
    store = FeedStateStore(redis_client)

    reports = {r.feed_name: r for r in cycle(redis_client, settings, clock)}

    assert (reports["good"].result, reports["good"].new_items) == ("ok", 2)
    assert len(queued_articles(redis_client)) == 2
    expected = {"broken": "http_status", "nowhere": "dns", "garbage": "unparseable"}
    for feed in (broken, nowhere, garbage):
        state = store.get_state(feed.id)
        assert reports[feed.name].result == "error"
        assert state.last_status == "error"
        assert state.error_reason == expected[feed.name]
        assert state.consecutive_errors == 1
        backoff = with_jitter(300, feed.id)
        assert redis_client.zscore(keys.SCHEDULE, feed.id) == START + backoff
    assert "500" in store.get_state(broken.id).last_error
    assert "127.0.0.1" in store.get_state(broken.id).last_error
    assert "nothing.invalid" in store.get_state(nowhere.id).last_error
    assert "cannot read feed" in store.get_state(garbage.id).last_error
    failures = [f for f in read_failures(redis_client) if f["kind"] == "feed"]
    assert sorted(f["reason"] for f in failures) == ["dns", "http_status", "unparseable"]

    # the next failure backs off further
    clock.advance(700)
    cycle(redis_client, settings, clock)
    state = store.get_state(broken.id)
    assert state.consecutive_errors == 2
    backoff = with_jitter(600, broken.id)
    assert redis_client.zscore(keys.SCHEDULE, broken.id) == START + 700 + backoff

    # recovery clears the error
    serve_feed(origin, "/broken.xml", items(7), etag=None)
    clock.advance(backoff + 1)
    cycle(redis_client, settings, clock)
    state = store.get_state(broken.id)
    assert (state.last_status, state.consecutive_errors) == ("ok", 0)
    assert (state.last_error, state.error_reason) == ("", "")


def test_a_feed_asking_us_to_wait_is_not_polled_before_its_retry_after(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    origin.routes["/busy.xml"] = Route(
        status=429, body=b"slow down", content_type="text/plain", headers={"Retry-After": "1800"}
    )
    busy = Feed(url=origin.url("/busy.xml"), name="busy", interval=300)
    publish(redis_client, busy)

    (report,) = cycle(redis_client, settings, clock)

    assert (report.result, report.reason) == ("error", "http_status")
    assert with_jitter(300, busy.id) < 1800
    assert redis_client.zscore(keys.SCHEDULE, busy.id) == START + 1800


def test_a_404_page_is_recorded_and_the_other_items_flow(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/feed.xml", items(1, 2, 3), etag=None)
    del origin.routes["/a/2"]  # -> 404
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)

    (report,) = cycle(redis_client, settings, clock)

    assert (report.new_items, report.failed_items, report.retry_items) == (2, 1, 0)
    assert sorted(j["item_key"] for j in queued_articles(redis_client)) == ["story-1", "story-3"]
    (failure,) = [f for f in read_failures(redis_client) if f["kind"] == "page"]
    assert (failure["reason"], failure["item_key"]) == ("http_status", "story-2")
    assert failure["url"] == origin.url("/a/2")
    assert "404" in failure["message"]
    # recorded as taken: the next poll neither fetches it again nor enqueues anything
    clock.advance(1200)
    (again,) = cycle(redis_client, settings, clock)
    assert (again.new_items, again.failed_items) == (0, 0)
    assert origin.hits("/a/2") == 1


def test_a_retryable_page_failure_is_retried_on_later_polls_then_given_up(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/feed.xml", items(1, 2), etag='"v1"')
    origin.routes["/a/2"] = Route(status=503, body=b"busy", content_type="text/plain")
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)
    store = FeedStateStore(redis_client)

    (first,) = cycle(redis_client, settings, clock)
    assert (first.new_items, first.retry_items) == (1, 1)
    assert store.filter_unseen(feed.id, ["story-1", "story-2"]) == ["story-2"]
    assert store.get_state(feed.id).pending_items == 1

    clock.advance(1200)
    (second,) = cycle(redis_client, settings, clock)
    # a waiting item needs the full body: no conditional request
    assert "If-None-Match" not in origin.headers_of("/feed.xml")[-1]
    assert (second.new_items, second.retry_items, second.failed_items) == (0, 1, 0)

    clock.advance(1200)
    (third,) = cycle(redis_client, settings, clock)
    assert (third.retry_items, third.failed_items) == (0, 1)
    assert origin.hits("/a/2") == 3
    (failure,) = [f for f in read_failures(redis_client) if f["kind"] == "page"]
    assert "3 attempts" in failure["message"]
    assert store.filter_unseen(feed.id, ["story-2"]) == []
    assert store.pending_retries(feed.id) == 0
    assert store.get_state(feed.id).pending_items == 0

    clock.advance(1200)
    (fourth,) = cycle(redis_client, settings, clock)
    assert fourth.result == "not_modified"


def test_full_text_items_and_no_fetch_feeds_need_no_page_fetch(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    body = "<p>" + "A long paragraph of the full article text. " * 40 + "</p>"
    full = [{"title": "Full story", "guid": "full-1", "path": "/a/full", "content": body}]
    serve_feed(origin, "/full.xml", full, etag=None)
    short = [{"title": "Teaser", "guid": "teaser-1", "path": "/a/teaser", "content": "<p>Hi</p>"}]
    serve_feed(origin, "/nofetch.xml", short, etag=None)
    publish(
        redis_client,
        Feed(url=origin.url("/full.xml"), name="full"),
        Feed(url=origin.url("/nofetch.xml"), name="nofetch", fetch_pages=False),
    )

    cycle(redis_client, settings, clock)

    assert origin.page_hits() == 0
    jobs = {job["item_key"]: job for job in queued_articles(redis_client)}
    assert set(jobs) == {"full-1", "teaser-1"}
    assert all(job["from_feed_content"] for job in jobs.values())
    assert jobs["full-1"]["url"] == origin.url("/a/full")
    pages = load_pages(redis_client, [job["page_key"] for job in jobs.values()])
    full_page = pages[jobs["full-1"]["page_key"]]
    assert full_page is not None
    assert b"<title>Full story</title>" in full_page
    assert b"A long paragraph of the full article text." in full_page


def test_two_schedulers_at_once_poll_each_feed_once(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    feeds = []
    for n in range(6):
        serve_feed(origin, f"/f{n}.xml", items(10 * n + 1), etag=None)
        feeds.append(Feed(url=origin.url(f"/f{n}.xml")))
    publish(redis_client, *feeds)
    other = redis.Redis.from_url(settings.redis_url or "")

    async def both() -> tuple[list[Any], list[Any]]:
        async with (
            SchedulerService(redis_client, settings, clock=clock) as one,
            SchedulerService(other, settings, clock=clock) as two,
        ):
            return await asyncio.gather(one.run_once(), two.run_once())

    first, second = run(both())
    other.close()
    polled = [r.feed_id for r in first + second]
    assert sorted(polled) == sorted(feed.id for feed in feeds)
    assert all(origin.hits(f"/f{n}.xml") == 1 for n in range(6))
    assert len(queued_articles(redis_client)) == 6


def test_a_restarted_scheduler_does_not_enqueue_seen_items(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/feed.xml", items(1, 2), etag=None)  # no ETag: full body every time
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)
    cycle(redis_client, settings, clock)
    # a new process: fresh service, the feed made due again by hand, its items reordered
    serve_feed(origin, "/feed.xml", items(2, 1), etag=None)
    FeedStateStore(redis_client).reschedule(feed.id, clock.now)

    (report,) = cycle(redis_client, settings, clock)

    assert (report.result, report.new_items) == ("ok", 0)
    assert origin.hits("/feed.xml") == 2
    assert len(queued_articles(redis_client)) == 2
    assert origin.page_hits() == 2


def test_a_feed_removed_from_the_config_is_dropped_from_the_schedule(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/feed.xml", items(1), etag=None)
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)
    redis_client.zadd(keys.SCHEDULE, {"stale-feed-id": 0})

    reports = cycle(redis_client, settings, clock)

    assert [r.feed_id for r in reports] == [feed.id]
    assert redis_client.zscore(keys.SCHEDULE, "stale-feed-id") is None


def test_the_feed_is_decoded_with_the_charset_its_server_names(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    body = (
        '<rss version="2.0"><channel><title>Новости</title><item><title>Привет мир</title>'
        f"<guid>g1</guid><link>{origin.url('/a/1')}</link></item></channel></rss>"
    ).encode("cp1251")  # no XML declaration: only the Content-Type names the charset
    origin.routes["/feed.xml"] = Route(body=body, content_type="text/xml; charset=windows-1251")
    origin.routes["/a/1"] = Route(body=article_page("Story 1"))
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)

    cycle(redis_client, settings, clock)

    (article,) = queued_articles(redis_client)
    assert article["title"] == "Привет мир"
    assert FeedStateStore(redis_client).get_state(feed.id).title == "Новости"


def test_a_redis_error_during_a_poll_hands_the_feed_back_due_after_its_usual_interval(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/feed.xml", items(1), etag='"v1"')
    feed = Feed(url=origin.url("/feed.xml"), interval=600)
    publish(redis_client, feed)
    cycle(redis_client, settings, clock)
    serve_feed(origin, "/feed.xml", items(2, 1), etag='"v2"')
    # a key of the wrong type: Redis refuses the poll's look at the seen items (WRONGTYPE)
    redis_client.delete(keys.feed_seen(feed.id))
    redis_client.set(keys.feed_seen(feed.id), "not a sorted set")
    clock.advance(700)  # due (600 s, jitter 10 %)

    assert cycle(redis_client, settings, clock) == []

    # not after min_backoff (60 s): a Redis restart is not the feed's failure
    assert redis_client.zscore(keys.SCHEDULE, feed.id) == clock.now + 600
    assert redis_client.hget(keys.LEASE_OWNERS, feed.id) is None


class Exploding(AbstractResolver):
    """A resolver with a bug of its own: every lookup raises an unexpected error."""

    async def resolve(self, host: str, port: int = 0, family: int = 0) -> list[ResolveResult]:
        raise RuntimeError("transport bug")

    async def close(self) -> None:
        pass


def test_a_poll_that_crashes_is_recorded_and_backs_off_like_any_failure(
    redis_client: redis.Redis, settings: Settings, clock: Clock
) -> None:
    # a bug tripped by one feed must not have it polled every min_backoff forever, invisibly
    feed = Feed(url="http://feeds.example.org/crash.xml", interval=600)
    publish(redis_client, feed)
    store = FeedStateStore(redis_client)

    (report,) = cycle(redis_client, settings, clock, resolver=Exploding())
    assert (report.result, report.reason) == ("error", "internal")
    state = store.get_state(feed.id)
    assert (state.last_status, state.error_reason, state.consecutive_errors) == (
        "error",
        "internal",
        1,
    )
    assert feed.url in state.last_error and "transport bug" in state.last_error
    first_delay = with_jitter(600, feed.id)
    assert redis_client.zscore(keys.SCHEDULE, feed.id) == START + first_delay
    assert read_failures(redis_client)[0]["reason"] == "internal"

    clock.advance(first_delay)
    cycle(redis_client, settings, clock, resolver=Exploding())
    assert store.get_state(feed.id).consecutive_errors == 2
    second_delay = with_jitter(1200, feed.id)
    assert second_delay > first_delay
    assert redis_client.zscore(keys.SCHEDULE, feed.id) == clock.now + second_delay


def test_a_catalogue_this_scheduler_cannot_read_leaves_the_schedule_alone(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    # e.g. a newer release published a feed field this one does not know (rolling upgrade):
    # the old scheduler must not take the feeds off the schedule the new ones poll from
    serve_feed(origin, "/feed.xml", items(1), etag=None)
    feed = Feed(url=origin.url("/feed.xml"))
    publish(redis_client, feed)
    newer = {"item": {"address": feed.url}, "origin": "a newer release"}
    redis_client.hset(keys.FEEDS, feed.id, json.dumps(newer))
    redis_client.hincrby(keys.CATALOG_VERSION, "feed", 1)

    reports = cycle(redis_client, settings, clock)

    assert reports == []
    assert origin.hits("/feed.xml") == 0
    assert redis_client.zscore(keys.SCHEDULE, feed.id) == 0  # still due, for a scheduler that can


# -- the service loop and the command ------------------------------------------------------------


async def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def test_run_polls_due_feeds_and_stops_cleanly_releasing_abandoned_leases(
    redis_client: redis.Redis, origin: Origin, settings: Settings
) -> None:
    serve_feed(origin, "/quick.xml", items(1), etag=None)
    origin.routes["/slow.xml"] = Route(body=b"never mind", hang=3.0)
    quick = Feed(url=origin.url("/quick.xml"))
    slow = Feed(url=origin.url("/slow.xml"))
    publish(redis_client, quick, slow)

    async def go() -> None:
        stop = asyncio.Event()
        async with SchedulerService(
            redis_client, settings, tick=0.05, shutdown_grace=0.2
        ) as service:
            task = asyncio.create_task(service.run(stop))
            await wait_for(lambda: len(queued_articles(redis_client)) == 1, "the quick feed")
            await wait_for(lambda: origin.hits("/slow.xml") == 1, "the slow feed's request")
            stopped_at = time.time()
            stop.set()
            await task
        # the abandoned feed is due again at once; the polled one at its next poll time
        assert redis_client.zscore(keys.SCHEDULE, slow.id) <= time.time()
        assert redis_client.zscore(keys.SCHEDULE, quick.id) > stopped_at + 900 - 1

    run(go())


def test_the_scheduler_command_publishes_polls_and_exits_0_on_sigterm(
    redis_client: redis.Redis, redis_url: str, origin: Origin, tmp_path: Path
) -> None:
    serve_feed(origin, "/feed.xml", items(1, 2), etag=None)
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"feeds:\n  - url: {origin.url('/feed.xml')}\n    name: local\n")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")},
        "NEWSWATCH_REDIS_URL": redis_url,
        "NEWSWATCH_ALLOW_PRIVATE_NETWORKS": "true",
        "NEWSWATCH_ALLOWED_PORTS": "1-65535",
        "NEWSWATCH_METRICS_PORT": "0",
        "NEWSWATCH_BATCH_LINGER": "0.01",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch.cli", "scheduler", "--config", str(config)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while len(queued_articles(redis_client)) < 2:
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "the scheduler enqueued nothing"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    log = err.decode()
    assert proc.returncode == 0, log
    polls = [r for r in map(json.loads, log.splitlines()) if r["event"] == "poll"]
    assert [(r["feed"], r["result"], r["new_items"]) for r in polls] == [("local", "ok", 2)]


def test_a_poll_out_of_time_leaves_the_slow_items_for_the_next_poll(
    redis_client: redis.Redis, origin: Origin, redis_url: str, clock: Clock
) -> None:
    settings = make_settings(redis_url, poll_deadline=1.0, fetch_timeout=10.0)
    serve_feed(origin, "/slow.xml", items(1, 2, 3), etag='"v1"')
    for n in (2, 3):  # a host that takes far longer than the poll may spend
        origin.routes[f"/a/{n}"] = Route(body=article_page(f"Story number {n}"), hang=4.0)
    feed = Feed(url=origin.url("/slow.xml"), name="slow", interval=300)
    publish(redis_client, feed)

    (report,) = cycle(redis_client, settings, clock)

    assert (report.result, report.new_items, report.deferred_items) == ("ok", 1, 2)
    assert [a["item_key"] for a in queued_articles(redis_client)] == ["story-1"]
    assert FeedStateStore(redis_client).get_state(feed.id).pending_items == 2

    # the next poll fetches the full feed again (no 304 while items wait) and takes the rest
    for n in (2, 3):
        origin.routes[f"/a/{n}"] = Route(body=article_page(f"Story number {n}"))
    clock.advance(400)
    (report,) = cycle(redis_client, settings, clock)

    assert (report.result, report.new_items, report.deferred_items) == ("ok", 2, 0)
    assert "if-none-match" not in {h.lower() for h in origin.headers_of("/slow.xml")[-1]}
    keys_queued = sorted(a["item_key"] for a in queued_articles(redis_client))
    assert keys_queued == ["story-1", "story-2", "story-3"]
