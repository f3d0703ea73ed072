"""The watch configuration published in Redis, so every process sees the same feeds, topics
and subscriptions.

``publish_config`` replaces the whole configuration in one MULTI/EXEC (readers never see half
of it), bumps ``keys.CONFIG_VERSION`` so that running processes notice, and keeps the feed
schedule in step: a new feed is due at once (score 0), a feed that stays keeps its schedule
across restarts (ZADD NX), a feed that is gone leaves the schedule and its poll state expires
after :data:`GONE_FEED_TTL`.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

import redis
from pydantic import BaseModel, ValidationError

from newswatch.config import FeedConfig, SubscriptionConfig, TopicConfig, WatchConfig
from newswatch.core.errors import ConfigError
from newswatch.store import keys
from newswatch.store.codec import as_text

_Model = TypeVar("_Model", bound=BaseModel)

GONE_FEED_TTL = 30 * 24 * 3600  # seconds the state of a feed removed from the config is kept


def publish_config(client: redis.Redis, cfg: WatchConfig) -> int:
    """Replace the published configuration with ``cfg``; return the new config version.

    The schedule is read under WATCH (with the configuration hashes) and the transaction is
    retried if anything changed meanwhile, so concurrent publishers serialise and the
    clean-up always matches the feeds that won."""
    feeds = {feed.id: feed.model_dump_json() for feed in cfg.feeds}
    topics = {topic.name: topic.model_dump_json() for topic in cfg.topics}
    subscriptions = {sub.name: sub.model_dump_json() for sub in cfg.subscriptions}

    def replace(pipe: Any) -> None:
        scheduled = {as_text(member) for member in pipe.zrange(keys.SCHEDULE, 0, -1)}
        published = {as_text(field) for field in pipe.hkeys(keys.FEEDS)}
        gone = sorted(scheduled - feeds.keys())
        pipe.multi()
        # the poll state of a removed feed expires (a feed added back in time keeps its seen
        # items, so it does not alert on them again); the retry counts expire on their own
        for feed_id in sorted((scheduled | published) - feeds.keys()):
            pipe.expire(keys.feed_state(feed_id), GONE_FEED_TTL)
            pipe.expire(keys.feed_seen(feed_id), GONE_FEED_TTL)
        for feed_id in feeds:
            pipe.persist(keys.feed_state(feed_id))
            pipe.persist(keys.feed_seen(feed_id))
        for key, mapping in (
            (keys.FEEDS, feeds),
            (keys.TOPICS, topics),
            (keys.SUBSCRIPTIONS, subscriptions),
        ):
            pipe.delete(key)
            if mapping:
                pipe.hset(key, mapping=mapping)
        if feeds:
            pipe.zadd(keys.SCHEDULE, dict.fromkeys(feeds, 0), nx=True)
        if gone:
            pipe.zrem(keys.SCHEDULE, *gone)
        pipe.incr(keys.CONFIG_VERSION)

    results = client.transaction(
        replace, keys.FEEDS, keys.TOPICS, keys.SUBSCRIPTIONS, keys.SCHEDULE
    )
    return int(cast("list[Any]", results)[-1])  # the INCR, last command of the MULTI


def _load(client: redis.Redis, key: str, model: type[_Model]) -> list[_Model]:
    items: list[_Model] = []
    problems: list[str] = []
    stored: dict[Any, Any] = client.hgetall(key)
    for field, raw in stored.items():
        try:
            items.append(model.model_validate_json(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            problems.append(
                f"redis {key}[{as_text(field)}]: stored {model.__name__} is invalid "
                f"({where + ': ' if where else ''}{first['msg']}); publish the config again"
            )
    if problems:
        raise ConfigError(problems)
    return items


def load_feeds(client: redis.Redis) -> list[FeedConfig]:
    """The published feeds, ordered by URL."""
    return sorted(_load(client, keys.FEEDS, FeedConfig), key=lambda feed: feed.url)


def load_topics(client: redis.Redis) -> list[TopicConfig]:
    """The published topics, ordered by name."""
    return sorted(_load(client, keys.TOPICS, TopicConfig), key=lambda topic: topic.name)


def load_subscriptions(client: redis.Redis) -> list[SubscriptionConfig]:
    """The published subscriptions, ordered by name."""
    return sorted(_load(client, keys.SUBSCRIPTIONS, SubscriptionConfig), key=lambda s: s.name)


def config_version(client: redis.Redis) -> int:
    """The version of the published configuration; 0 when none was ever published."""
    value = client.get(keys.CONFIG_VERSION)
    return int(value) if value is not None else 0
