"""The topic change log: the catalogue logs the names of the topics written with each topic
version, so a reader at version v can read only what changed since."""

from __future__ import annotations

import pytest
import redis

from newswatch.core.catalog import Catalog, Topic
from newswatch.store import catalog as catalog_module
from newswatch.store.catalog import CatalogStore


def publish(client: redis.Redis, *topics: Topic) -> None:
    CatalogStore(client).apply(Catalog(topics=topics), owner="test", prune=True)


def test_the_log_names_the_topics_changed_since_a_version(redis_client: redis.Redis) -> None:
    store = CatalogStore(redis_client)
    store.add(Topic(name="a", query="Putin"), origin="api")
    store.add(Topic(name="b", query="Xi"), origin="api")
    since = store.version("topic")
    store.replace(Topic(name="a", query="Putin Xi"), origin="api")
    store.remove("topic", "b")
    store.add(Topic(name="c", query="trade"), origin="api")

    changes = store.topic_changes(since)
    assert changes.names is not None and sorted(changes.names) == ["a", "b", "c"]
    assert changes.version == since + 3
    assert changes.generation == store.generation()
    assert store.topic_changes(changes.version).names == []
    entries = store.entries_of("topic", ["a", "b"])
    assert entries["a"] is not None and entries["a"].item.query == "Putin Xi"
    assert entries["b"] is None


def test_the_log_is_bounded_and_says_when_it_no_longer_reaches_back(
    redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_module, "TOPIC_LOG_SIZE", 2)
    store = CatalogStore(redis_client)
    for name in ("a", "b", "c"):
        store.add(Topic(name=name, query=name * 2), origin="api")
    assert store.topic_changes(0).names is None  # "a" (version 1) was trimmed
    assert sorted(store.topic_changes(1).names or []) == ["b", "c"]
    assert redis_client.zcard(catalog_module.keys.TOPIC_CHANGES) == 2
    # one write of more topics than the log holds: every older reader reads everything
    publish(redis_client, *(Topic(name=f"t{n}", query=f"word{n}") for n in range(3)))
    assert store.topic_changes(3).names is None
    assert store.topic_changes(store.version("topic")).names == []
