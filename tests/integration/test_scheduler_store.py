"""The scheduler's stores on a real Redis: leases with owners (claimed with the state, taken
back after a restart, released only by their holder), the one write per poll, seen sets,
retry counts, the failure log, and the API's view of every feed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis

from newswatch.core.catalog import Catalog, Feed
from newswatch.core.feed_state import FeedState, Health
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from newswatch.store.connection import connect_async
from newswatch.store.failures import failure_entry, read_failures, record_failure
from newswatch.store.feeds import FeedStateStore
from newswatch.store.polling import PollStore, PollWrite

T = TypeVar("T")


def with_store(redis_url: str, use: Callable[[PollStore], Awaitable[T]], owner: str = "a") -> T:
    async def go() -> T:
        client = connect_async(redis_url)
        try:
            return await use(PollStore(client, owner))
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_claim_takes_due_feeds_with_their_state_and_leases_them(
    redis_client: redis.Redis, redis_url: str
) -> None:
    redis_client.zadd(keys.SCHEDULE, {"a": 0, "b": 50, "c": 500})
    FeedStateStore(redis_client).put_state("a", FeedState(etag='"v1"', interval=600))

    async def use(store: PollStore) -> None:
        claims = await store.claim(now=100, lease=30, limit=10)
        assert [(c.feed_id, c.due_at) for c in claims] == [("a", 0), ("b", 50)]
        assert (claims[0].state.etag, claims[0].state.interval) == ('"v1"', 600)
        assert claims[1].state == FeedState()
        assert await store.claim(now=101, lease=30, limit=10) == []  # leased
        # a dead scheduler's feeds come back when the lease runs out
        assert [c.feed_id for c in await store.claim(now=131, lease=30, limit=1)] == ["a"]

    with_store(redis_url, use)
    assert redis_client.zscore(keys.SCHEDULE, "b") == 130
    assert redis_client.hget(keys.LEASE_OWNERS, "b") == b"a"


def test_concurrent_claims_never_return_the_same_feed(redis_url: str) -> None:
    seed = redis.Redis.from_url(redis_url)
    seed.zadd(keys.SCHEDULE, {f"feed-{i}": 0 for i in range(400)})
    results: list[list[str]] = [[] for _ in range(4)]
    barrier = threading.Barrier(4)

    def claimer(slot: int) -> None:
        async def use(store: PollStore) -> None:
            barrier.wait()
            while got := await store.claim(now=10, lease=120, limit=7):
                results[slot].extend(c.feed_id for c in got)

        with_store(redis_url, use, owner=f"s{slot}")

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [feed for part in results for feed in part]
    assert len(claimed) == 400 == len(set(claimed))
    seed.close()


def test_a_restarted_owner_takes_back_its_leases_at_once_and_no_others(
    redis_client: redis.Redis, redis_url: str
) -> None:
    redis_client.zadd(keys.SCHEDULE, {"mine": 0})

    async def claim(store: PollStore) -> None:
        await store.claim(now=0, lease=600, limit=10)

    with_store(redis_url, claim, owner="a")
    redis_client.zadd(keys.SCHEDULE, {"theirs": 0})
    with_store(redis_url, claim, owner="b")
    assert redis_client.zscore(keys.SCHEDULE, "mine") == 600

    async def restart(store: PollStore) -> int:
        return await store.take_back(now=5)

    assert with_store(redis_url, restart, owner="a") == 1
    assert redis_client.zscore(keys.SCHEDULE, "mine") == 5  # due now, not in 10 minutes
    assert redis_client.zscore(keys.SCHEDULE, "theirs") == 600
    assert redis_client.hget(keys.LEASE_OWNERS, "mine") is None


def test_renew_only_extends_and_release_only_by_the_holder(
    redis_client: redis.Redis, redis_url: str
) -> None:
    redis_client.zadd(keys.SCHEDULE, {"f": 0, "g": 0})

    async def use(store: PollStore) -> None:
        await store.claim(now=0, lease=30, limit=2)
        await store.renew(["f", "gone"], until=60)
        await store.renew(["f"], until=40)  # never earlier
        redis_client.hset(keys.LEASE_OWNERS, "g", "someone-else")  # lease lost, re-claimed
        await store.release("g", 999)
        await store.release("f", 500)

    with_store(redis_url, use)
    assert redis_client.zscore(keys.SCHEDULE, "f") == 500
    assert redis_client.zscore(keys.SCHEDULE, "g") == 30  # left to its new holder
    assert redis_client.zscore(keys.SCHEDULE, "gone") is None
    assert redis_client.hget(keys.LEASE_OWNERS, "f") is None


def test_one_write_stores_state_seen_items_failures_and_ends_the_lease(
    redis_client: redis.Redis, redis_url: str
) -> None:
    redis_client.zadd(keys.SCHEDULE, {"f": 0})
    redis_client.hset(keys.feed_attempts("f"), "item-1", 2)
    state = FeedState(last_status="ok", next_poll_at=1234.5, items_total=2, health=Health.SLOW,
                      title="Über «😀»")  # fmt: skip
    failure = failure_entry(kind="page", reason="http_status", message="404", at=1.0)

    async def use(store: PollStore) -> None:
        await store.claim(now=0, lease=30, limit=1)
        write = PollWrite("f", state, seen={"item-1": ["u:x", "t:y"], "item-2": []},
                          failures=[failure])  # fmt: skip
        await store.write(write, now=7.0)
        assert await store.unseen("f", ["item-2", "item-3", "item-1"]) == ["item-3"]
        assert await store.known_alt("f", ["u:x", "u:z"]) == {"u:x"}

    with_store(redis_url, use)
    stored = FeedStateStore(redis_client)
    assert stored.get_state("f") == state
    assert redis_client.zscore(keys.SCHEDULE, "f") == 1234.5
    assert redis_client.zscore(keys.feed_seen("f"), "item-1") == 7.0
    assert stored.attempts("f", "item-1") == 0
    assert read_failures(redis_client)[0]["reason"] == "http_status"


def test_seen_sets_are_trimmed_to_the_newest(redis_url: str, redis_client: redis.Redis) -> None:
    async def use(store: PollStore) -> None:
        store.seen_limit = 5
        await store.write(PollWrite("f", FeedState(), seen={"a": []}), now=1)
        await store.write(PollWrite("f", FeedState(), seen={f"n{i}": [] for i in range(6)}), 2)
        assert await store.unseen("f", ["a"]) == ["a"]  # the oldest was forgotten
        await store.write(PollWrite("f", FeedState(), seen={"n5": []}), now=99)

    with_store(redis_url, use)
    assert redis_client.zcard(keys.feed_seen("f")) == 5
    assert redis_client.zscore(keys.feed_seen("f"), "n5") == 2  # first-seen time kept


def test_the_write_is_one_script_call_whatever_it_carries(
    redis_client: redis.Redis, redis_url: str
) -> None:
    """One round trip per poll, even with many items (the script adds them in chunks) and
    failures; no MULTI/EXEC, no SCRIPT EXISTS before it."""
    redis_client.zadd(keys.SCHEDULE, {"f": 0})
    seen = {f"item-{n}": [f"u:{n}", f"t:{n % 7}"] for n in range(1199)}
    seen['ключ "😀"\\'] = []  # any text, stored as it came
    failures = [failure_entry(kind="page", reason="not_html", message=f"m{n} «é»", at=1.0)
                for n in range(2)]  # fmt: skip

    def calls() -> dict[str, int]:
        stats = redis_client.info("commandstats")
        return {name: int(stats.get(f"cmdstat_{name}", {}).get("calls", 0))
                for name in ("evalsha", "eval", "multi", "exec", "script|exists")}  # fmt: skip

    async def use(store: PollStore) -> dict[str, int]:
        await store.claim(now=0, lease=30, limit=1)
        await store.write(PollWrite("f", FeedState(), seen={"warm": []}), now=1.0)  # loads it
        before = calls()
        await store.write(PollWrite("f", FeedState(next_poll_at=99.0), seen=seen,
                                    failures=failures), now=2.0)  # fmt: skip
        after = calls()
        return {name: after[name] - before[name] for name in after}

    assert with_store(redis_url, use) == {
        "evalsha": 1, "eval": 0, "multi": 0, "exec": 0, "script|exists": 0,
    }  # fmt: skip
    assert redis_client.zcard(keys.feed_seen("f")) == 1201  # under SEEN_LIMIT
    assert redis_client.zscore(keys.feed_seen("f"), "item-1198") == 2.0
    assert redis_client.zscore(keys.feed_seen("f"), 'ключ "😀"\\') == 2.0
    assert redis_client.zcard(keys.feed_seen_alt("f")) == 1199 + 7
    assert [f["message"] for f in read_failures(redis_client)] == ["m1 «é»", "m0 «é»"]
    assert redis_client.zscore(keys.SCHEDULE, "f") == 99.0


def test_attempts_count_up(redis_url: str, redis_client: redis.Redis) -> None:
    async def use(store: PollStore) -> list[int]:
        return [await store.record_attempt("f", "i") for _ in range(2)]

    assert with_store(redis_url, use) == [1, 2]
    assert FeedStateStore(redis_client).pending_retries("f") == 1
    assert redis_client.ttl(keys.feed_attempts("f")) > 0


def test_failures_are_appended_newest_first(redis_client: redis.Redis) -> None:
    record_failure(redis_client, kind="feed", reason="dns", message="one", at=1.0, feed_id="f")
    record_failure(redis_client, kind="page", reason="http_status", message="two", at=2.0,
                   url="http://x/a", item_key="a")  # fmt: skip
    newest, oldest = read_failures(redis_client)
    assert (newest["kind"], newest["reason"], newest["message"]) == ("page", "http_status", "two")
    assert (oldest["kind"], oldest["feed_id"], oldest["at"]) == ("feed", "f", "1.0")


def test_list_states_covers_every_configured_feed_including_never_polled(
    redis_client: redis.Redis,
) -> None:
    polled = Feed(url="https://a.example/rss", name="a", interval=600)
    fresh = Feed(url="https://b.example/rss", fetch_pages=False)
    CatalogStore(redis_client).apply(Catalog(feeds=(polled, fresh)), owner="test")
    store = FeedStateStore(redis_client)
    state = FeedState(last_status="ok", items_total=4, interval=600,
                      interval_reason="fixed by the feed's configured interval")  # fmt: skip
    store.put_state(polled.id, state)
    redis_client.zadd(keys.feed_seen(polled.id), {"x": 1, "y": 1})
    store.reschedule(polled.id, 2000)

    states = {state["id"]: state for state in store.list_states()}

    a, b = states[polled.id], states[fresh.id]
    assert (a["name"], a["url"], a["configured_interval"], a["fetch_pages"]) == (
        "a", polled.url, 600, True,
    )  # fmt: skip
    assert (a["last_status"], a["items_total"], a["items_seen"], a["due_at"]) == ("ok", 4, 2, 2000)
    assert (a["interval"], a["interval_reason"], a["health"]) == (
        600, "fixed by the feed's configured interval", "ok",
    )  # fmt: skip
    assert (b["name"], b["last_status"], b["items_total"], b["configured_interval"]) == (
        fresh.url, "never_polled", 0, None,
    )  # fmt: skip
    assert b["due_at"] == 0 and b["fetch_pages"] is False and "body_hash" not in a
