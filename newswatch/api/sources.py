"""Read-side adapters over the other owners' stores, reduced to JSON-ready values.

Articles come from ``newswatch.store.articles.ArticleStore``, configured topics from
``newswatch.store.config_store.load_topics`` and feed poll state from
``newswatch.store.feeds.FeedStateStore``. Until a module has landed, the adapter reads the
same Redis keys (named in :mod:`newswatch.store.keys`) directly.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from types import ModuleType
from typing import Any

import redis

from newswatch.config import FeedConfig, TopicConfig
from newswatch.store import keys


def _optional(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


def jsonable(value: Any) -> Any:
    """A plain JSON value from a model, dataclass, mapping or bytes."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def load_article(client: redis.Redis, article_id: str) -> dict[str, Any] | None:
    module = _optional("newswatch.store.articles")
    if module is not None:
        article = module.ArticleStore(client).get(article_id)
        return None if article is None else jsonable(article)
    raw: Any = client.get(keys.article(article_id))
    return None if raw is None else json.loads(raw)


def configured_topics(client: redis.Redis) -> list[TopicConfig]:
    module = _optional("newswatch.store.config_store")
    if module is not None:
        return list(module.load_topics(client))
    raw: Any = client.hgetall(keys.TOPICS)
    topics = [TopicConfig.model_validate_json(v) for v in raw.values()]
    return sorted(topics, key=lambda t: t.name)


def feed_states(client: redis.Redis) -> list[dict[str, Any]]:
    module = _optional("newswatch.store.feeds")
    if module is not None:
        return [jsonable(state) for state in module.FeedStateStore(client).list_states()]
    raw: Any = client.hgetall(keys.FEEDS)
    feeds = sorted((FeedConfig.model_validate_json(v) for v in raw.values()), key=lambda f: f.url)
    pipe = client.pipeline(transaction=False)
    for feed in feeds:
        pipe.hgetall(keys.feed_state(feed.id))
    states = pipe.execute()
    return [
        {
            "id": feed.id,
            "url": feed.url,
            "name": feed.display_name,
            "interval": feed.interval,
            "state": jsonable(state),
        }
        for feed, state in zip(feeds, states, strict=True)
    ]
