"""FeedStateStore on a real Redis: leases, poll state, seen sets, retry counts, failures."""

from __future__ import annotations

import threading

import redis

from newswatch.core.catalog import Catalog, Feed
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from newswatch.store.failures import read_failures, record_failure
from newswatch.store.feeds import FeedStateStore


def test_claim_due_takes_only_due_feeds_and_leases_them(redis_client: redis.Redis) -> None:
    store = FeedStateStore(redis_client)
    redis_client.zadd(keys.SCHEDULE, {"a": 0, "b": 50, "c": 500})
    assert store.claim_due(now=100, lease=120, limit=10) == ["a", "b"]
    # leased: not due again until the lease runs out
    assert store.claim_due(now=101, lease=120, limit=10) == []
    assert redis_client.zscore(keys.SCHEDULE, "a") == 220
    # a crashed scheduler's feeds come back after the lease
    assert store.claim_due(now=221, lease=120, limit=10) == ["a", "b"]
    assert store.claim_due(now=330, lease=120, limit=10) == []
    assert store.claim_due(now=500, lease=120, limit=1) == ["a"]  # lease ended at 341


def test_claim_due_respects_the_limit_most_overdue_first(redis_client: redis.Redis) -> None:
    store = FeedStateStore(redis_client)
    redis_client.zadd(keys.SCHEDULE, {f"f{i}": i for i in range(10)})
    assert store.claim_due(now=100, lease=60, limit=3) == ["f0", "f1", "f2"]
    assert store.claim_due(now=100, lease=60, limit=0) == []


def test_concurrent_claims_never_return_the_same_feed(redis_url: str) -> None:
    seed = redis.Redis.from_url(redis_url)
    seed.zadd(keys.SCHEDULE, {f"feed-{i}": 0 for i in range(400)})
    results: list[list[str]] = [[] for _ in range(4)]
    barrier = threading.Barrier(4)

    def claimer(slot: int) -> None:
        client = redis.Redis.from_url(redis_url)
        store = FeedStateStore(client)
        barrier.wait()
        while True:
            got = store.claim_due(now=10, lease=120, limit=7)
            if not got:
                break
            results[slot].extend(got)
        client.close()

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [feed for part in results for feed in part]
    assert len(claimed) == 400
    assert len(set(claimed)) == 400
    seed.close()


def test_reschedule_extend_and_ensure(redis_client: redis.Redis) -> None:
    store = FeedStateStore(redis_client)
    assert store.ensure_scheduled(["a", "b"], at=5) == 2
    assert store.ensure_scheduled(["a", "c"], at=9) == 1  # a keeps its time
    assert redis_client.zscore(keys.SCHEDULE, "a") == 5
    store.reschedule("a", 1000)
    store.extend_leases(["a", "b", "gone"], until=500)  # never earlier; never re-adds
    assert redis_client.zscore(keys.SCHEDULE, "a") == 1000
    assert redis_client.zscore(keys.SCHEDULE, "b") == 500
    assert redis_client.zscore(keys.SCHEDULE, "gone") is None
    assert store.next_due() == 9
    store.unschedule("c")
    assert store.next_due() == 500


def test_poll_state_round_trip_with_types_and_removal(redis_client: redis.Redis) -> None:
    store = FeedStateStore(redis_client)
    assert store.get_state("f") == {}
    store.save_poll_result(
        "f",
        url="http://example.org/rss",
        last_status="error",
        last_error="GET http://example.org/rss: HTTP 500 from example.org",
        error_reason="http_status",
        consecutive_errors=2,
        last_polled_at=12.5,
        etag='"v1"',
    )
    store.save_poll_result(
        "f",
        last_status="ok",
        last_error=None,
        error_reason=None,
        consecutive_errors=0,
        add_items=3,
        last_new_items=3,
    )
    store.save_poll_result("f", add_items=2, last_new_items=2)
    state = store.get_state("f")
    assert state == {
        "url": "http://example.org/rss",
        "last_status": "ok",
        "consecutive_errors": 0,
        "last_polled_at": 12.5,
        "etag": '"v1"',
        "items_total": 5,
        "last_new_items": 2,
    }


def test_seen_set_filters_marks_and_trims(redis_client: redis.Redis) -> None:
    store = FeedStateStore(redis_client, seen_limit=5)
    assert store.filter_unseen("f", []) == []
    assert store.filter_unseen("f", ["a", "b"]) == ["a", "b"]
    store.mark_seen("f", ["a"], now=1)
    assert store.filter_unseen("f", ["b", "a", "c"]) == ["b", "c"]
    store.mark_seen("f", [f"n{i}" for i in range(6)], now=2)
    # trimmed to the newest 5: "a" (oldest) and one of the n* are forgotten
    assert redis_client.zcard(keys.feed_seen("f")) == 5
    assert store.filter_unseen("f", ["a"]) == ["a"]
    # first-seen time is kept when an item is marked again
    store.mark_seen("f", ["n5"], now=99)
    assert redis_client.zscore(keys.feed_seen("f"), "n5") == 2


def test_attempts_count_up_and_are_cleared_when_seen(redis_client: redis.Redis) -> None:
    store = FeedStateStore(redis_client)
    assert store.record_attempt("f", "item-1") == 1
    assert store.record_attempt("f", "item-1") == 2
    store.record_attempt("f", "item-2")
    assert store.attempts("f", "item-1") == 2
    assert store.pending_retries("f") == 2
    assert redis_client.ttl(keys.feed_attempts("f")) > 0
    store.mark_seen("f", ["item-1"], now=3)
    assert store.attempts("f", "item-1") == 0
    assert store.pending_retries("f") == 1


def test_failures_are_appended_newest_first(redis_client: redis.Redis) -> None:
    record_failure(redis_client, kind="feed", reason="dns", message="one", at=1.0, feed_id="f")
    record_failure(
        redis_client,
        kind="page",
        reason="http_status",
        message="two",
        at=2.0,
        url="http://x/a",
        item_key="a",
    )
    newest, oldest = read_failures(redis_client)
    assert (newest["kind"], newest["reason"], newest["message"]) == ("page", "http_status", "two")
    assert newest["url"] == "http://x/a"
    assert (oldest["kind"], oldest["feed_id"], oldest["at"]) == ("feed", "f", "1.0")


def test_list_states_covers_every_configured_feed_including_never_polled(
    redis_client: redis.Redis,
) -> None:
    polled = Feed(url="https://a.example/rss", name="a", interval=600)
    fresh = Feed(url="https://b.example/rss", fetch_pages=False)
    CatalogStore(redis_client).apply(Catalog(feeds=(polled, fresh)), owner="test")
    store = FeedStateStore(redis_client)
    store.save_poll_result(polled.id, last_status="ok", consecutive_errors=0, add_items=4)
    store.mark_seen(polled.id, ["x", "y"], now=1)
    store.reschedule(polled.id, 2000)

    states = {state["id"]: state for state in store.list_states()}

    assert set(states) == {polled.id, fresh.id}
    a, b = states[polled.id], states[fresh.id]
    assert (a["name"], a["url"], a["interval"], a["fetch_pages"]) == ("a", polled.url, 600, True)
    assert (a["last_status"], a["items_total"], a["items_seen"], a["due_at"]) == ("ok", 4, 2, 2000)
    assert (b["name"], b["last_status"], b["items_total"], b["items_seen"]) == (
        fresh.url,
        "never_polled",
        0,
        0,
    )
    assert b["due_at"] == 0 and b["fetch_pages"] is False


def test_a_late_reschedule_does_not_bring_back_a_removed_feed(redis_client: redis.Redis) -> None:
    store = FeedStateStore(redis_client)
    store.ensure_scheduled(["kept", "removed"], at=0)
    store.unschedule("removed")  # the configuration dropped it while it was being polled
    store.reschedule("removed", 500)
    store.reschedule("kept", 500)
    assert redis_client.zscore(keys.SCHEDULE, "removed") is None
    assert redis_client.zscore(keys.SCHEDULE, "kept") == 500
