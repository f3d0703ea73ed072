"""The configuration published in Redis: atomic replacement, version, schedule kept in step."""

from __future__ import annotations

import threading

import pytest
import redis

from newswatch.config import FeedConfig, SubscriptionConfig, TopicConfig, WatchConfig
from newswatch.core.errors import ConfigError
from newswatch.store import keys
from newswatch.store.config_store import (
    GONE_FEED_TTL,
    config_version,
    load_feeds,
    load_subscriptions,
    load_topics,
    publish_config,
)

A = FeedConfig(url="https://a.example/rss", name="A", interval=600)
B = FeedConfig(url="https://b.example/rss", fetch_pages=False)
C = FeedConfig(url="https://c.example/atom")
SUMMITS = TopicConfig(name="summits", query="summit AND president", languages=["en"])
WARRANTS = TopicConfig(name="arrest-warrants", query='"arrest warrant*"')
DESK = SubscriptionConfig(name="desk", topics=["summits"], channels=["log://"], mode="digest")


def config(
    feeds: list[FeedConfig], topics: list[TopicConfig], subs: list[SubscriptionConfig]
) -> WatchConfig:
    return WatchConfig(feeds=feeds, topics=topics, subscriptions=subs)


def schedule(client: redis.Redis) -> dict[str, float]:
    return {m.decode(): s for m, s in client.zrange(keys.SCHEDULE, 0, -1, withscores=True)}


def test_nothing_published(redis_client: redis.Redis) -> None:
    assert config_version(redis_client) == 0
    assert load_feeds(redis_client) == []
    assert load_topics(redis_client) == []
    assert load_subscriptions(redis_client) == []


def test_publish_and_load_round_trip(redis_client: redis.Redis) -> None:
    version = publish_config(redis_client, config([B, A], [SUMMITS, WARRANTS], [DESK]))
    assert version == 1 == config_version(redis_client)
    assert load_feeds(redis_client) == [A, B]  # ordered by URL
    assert load_topics(redis_client) == [WARRANTS, SUMMITS]  # ordered by name
    assert load_subscriptions(redis_client) == [DESK]
    assert set(redis_client.hkeys(keys.FEEDS)) == {A.id.encode(), B.id.encode()}
    assert schedule(redis_client) == {A.id: 0.0, B.id: 0.0}  # new feeds are due now


def test_republish_replaces_and_keeps_existing_schedules(redis_client: redis.Redis) -> None:
    publish_config(redis_client, config([A, B], [SUMMITS, WARRANTS], [DESK]))
    # the scheduler has since polled A and B and set their next due times
    redis_client.zadd(keys.SCHEDULE, {A.id: 1_900_000_000, B.id: 1_900_000_100})

    version = publish_config(redis_client, config([A, C], [WARRANTS], []))

    assert version == 2
    assert load_feeds(redis_client) == [A, C]
    assert load_topics(redis_client) == [WARRANTS]
    assert load_subscriptions(redis_client) == []
    assert not redis_client.exists(keys.SUBSCRIPTIONS)
    # A keeps its due time (ZADD NX), C is due now, B left the schedule
    assert schedule(redis_client) == {A.id: 1_900_000_000.0, C.id: 0.0}


def test_publish_empty_config_clears_everything(redis_client: redis.Redis) -> None:
    publish_config(redis_client, config([A], [SUMMITS], [DESK]))
    assert publish_config(redis_client, config([], [], [])) == 2
    assert load_feeds(redis_client) == []
    assert load_topics(redis_client) == []
    assert schedule(redis_client) == {}


def test_schedule_entries_of_unknown_feeds_are_removed(redis_client: redis.Redis) -> None:
    redis_client.zadd(keys.SCHEDULE, {"0123456789abcdef": 5})  # left over by an older config
    publish_config(redis_client, config([A], [], []))
    assert schedule(redis_client) == {A.id: 0.0}


def test_version_continues_from_what_is_stored(redis_client: redis.Redis) -> None:
    redis_client.set(keys.CONFIG_VERSION, 41)
    assert publish_config(redis_client, config([A], [], [])) == 42
    assert config_version(redis_client) == 42


def test_corrupt_stored_entry_is_a_clear_error(redis_client: redis.Redis) -> None:
    publish_config(redis_client, config([A], [SUMMITS], []))
    redis_client.hset(keys.FEEDS, "feedbeef", '{"url": "ftp://nope"}')
    redis_client.hset(keys.TOPICS, "broken", "not json")
    with pytest.raises(ConfigError) as caught:
        load_feeds(redis_client)
    (problem,) = caught.value.problems
    assert problem.startswith(f"redis {keys.FEEDS}[feedbeef]: stored FeedConfig is invalid (url: ")
    assert problem.endswith("; publish the config again")
    with pytest.raises(ConfigError, match=r"nw:topics\[broken\]: stored TopicConfig"):
        load_topics(redis_client)


def test_decoded_client_works_too(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        publish_config(client, config([A], [SUMMITS], [DESK]))
        publish_config(client, config([B], [SUMMITS], [DESK]))
        assert load_feeds(client) == [B]
        assert config_version(client) == 2
        assert client.zrange(keys.SCHEDULE, 0, -1) == [B.id]
    finally:
        client.close()


def test_concurrent_publishers_leave_a_consistent_state(redis_url: str) -> None:
    """Two processes publishing different configs at once: whichever wins last, the
    schedule holds exactly its feeds and every publish got its own version."""
    configs = [config([A, B], [SUMMITS], []), config([C], [WARRANTS], [])]
    versions: list[int] = []
    lock = threading.Lock()

    def publish_many(cfg: WatchConfig) -> None:
        client = redis.Redis.from_url(redis_url)
        try:
            for _ in range(25):
                version = publish_config(client, cfg)
                with lock:
                    versions.append(version)
        finally:
            client.close()

    threads = [threading.Thread(target=publish_many, args=(cfg,)) for cfg in configs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    client = redis.Redis.from_url(redis_url)
    try:
        assert sorted(versions) == list(range(1, 51))
        feeds = load_feeds(client)
        assert feeds in ([A, B], [C])
        assert set(schedule(client)) == {feed.id for feed in feeds}
        assert load_topics(client) == ([SUMMITS] if feeds == [A, B] else [WARRANTS])
    finally:
        client.close()


def test_the_state_of_a_removed_feed_expires_and_a_returning_feed_keeps_it(
    redis_client: redis.Redis,
) -> None:
    # a service that runs for months must not keep every feed it ever polled
    publish_config(redis_client, config([A, B], [], []))
    for feed in (A, B):
        redis_client.hset(keys.feed_state(feed.id), "last_status", "ok")
        redis_client.zadd(keys.feed_seen(feed.id), {"item-1": 1.0})

    publish_config(redis_client, config([A], [], []))
    assert 0 < redis_client.ttl(keys.feed_state(B.id)) <= GONE_FEED_TTL
    assert 0 < redis_client.ttl(keys.feed_seen(B.id)) <= GONE_FEED_TTL
    assert redis_client.ttl(keys.feed_state(A.id)) == -1  # no expiry
    assert redis_client.ttl(keys.feed_seen(A.id)) == -1

    publish_config(redis_client, config([A, B], [], []))  # back before it expired
    assert redis_client.ttl(keys.feed_state(B.id)) == -1
    assert redis_client.ttl(keys.feed_seen(B.id)) == -1
    assert redis_client.zscore(keys.feed_seen(B.id), "item-1") == 1.0
