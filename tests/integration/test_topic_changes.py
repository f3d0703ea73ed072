"""A topic change reaches a worker for what it changed: the catalogue logs the names of the
topics written with each topic version, and a worker reads and compiles only those (the
whole catalogue when the log does not reach back far enough, or when the catalogue's
generation changed because Redis lost its data)."""

from __future__ import annotations

from typing import Any

import pytest
import redis

from newswatch.config import Settings
from newswatch.core.catalog import Catalog, Topic
from newswatch.core.query import MatchDocument
from newswatch.store import catalog as catalog_module
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore, Entry, _encode
from worker.context import OTHER_TOPICS, WorkerContext

DOC = MatchDocument.build(title="Putin and Xi meet", text="Talks on trade in Moscow.")


class CountingStore(CatalogStore):
    """The catalogue store, counting the whole-catalogue reads and the names read one by one."""

    def __init__(self, client: redis.Redis) -> None:
        super().__init__(client)
        self.full_reads = 0
        self.read_names: list[str] = []

    def topics(self) -> list[Topic]:
        self.full_reads += 1
        return super().topics()

    def entries_of(self, kind: Any, names: list[str]) -> Any:
        self.read_names.extend(names)
        return super().entries_of(kind, names)


def publish(client: redis.Redis, *topics: Topic) -> None:
    CatalogStore(client).apply(Catalog(topics=topics), owner="test", prune=True)


def context_on(client: redis.Redis) -> tuple[WorkerContext, CountingStore]:
    context = WorkerContext(client, Settings())
    store = context.catalog = CountingStore(client)
    return context, store


def matched(context: WorkerContext) -> list[str]:
    return [m.topic for m in context.matcher().match(DOC)]


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
    assert redis_client.zcard(keys.TOPIC_CHANGES) == 2
    # one write of more topics than the log holds: every older reader reads everything
    publish(redis_client, *(Topic(name=f"t{n}", query=f"word{n}") for n in range(3)))
    assert store.topic_changes(3).names is None
    assert store.topic_changes(store.version("topic")).names == []


def test_a_worker_reads_and_compiles_only_the_topics_changed(redis_client: redis.Redis) -> None:
    publish(
        redis_client,
        Topic(name="putin", query="Putin"),
        Topic(name="xi", query="Xi AND summit"),
        Topic(name="trade", query="trade"),
    )
    context, store = context_on(redis_client)
    assert matched(context) == ["putin", "trade"]
    assert store.full_reads == 1

    writer = CatalogStore(redis_client)
    writer.replace(Topic(name="xi", query="Xi AND talks"), origin="api")
    writer.remove("topic", "trade")
    writer.add(Topic(name="moscow", query="Moscow"), origin="api")
    assert sorted(matched(context)) == ["moscow", "putin", "xi"]
    assert store.full_reads == 1  # no whole-catalogue read for a change
    assert sorted(store.read_names) == ["moscow", "trade", "xi"]
    assert context.topics_version == writer.version("topic")
    assert sorted(context.matcher().topics) == ["moscow", "putin", "xi"]


def test_a_changed_query_that_no_longer_parses_is_skipped(redis_client: redis.Redis) -> None:
    publish(redis_client, Topic(name="putin", query="Putin"), Topic(name="xi", query="Xi"))
    context, store = context_on(redis_client)
    assert matched(context) == ["putin", "xi"]
    # a query written by a newer release, say: the store itself does not parse queries
    CatalogStore(redis_client).replace(Topic(name="xi", query="(Xi OR"), origin="api")
    CatalogStore(redis_client).add(Topic(name="talks", query="talks"), origin="api")
    assert matched(context) == ["putin", "talks"]
    assert store.full_reads == 1


def test_a_worker_behind_the_log_reads_the_whole_catalogue(
    redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_module, "TOPIC_LOG_SIZE", 1)
    publish(redis_client, Topic(name="putin", query="Putin"))
    context, store = context_on(redis_client)
    assert matched(context) == ["putin"]
    writer = CatalogStore(redis_client)
    writer.add(Topic(name="xi", query="Xi"), origin="api")
    writer.add(Topic(name="talks", query="talks"), origin="api")  # the log forgot "xi"
    assert sorted(matched(context)) == ["putin", "talks", "xi"]
    assert store.full_reads == 2


def test_a_catalogue_published_again_after_redis_lost_its_data_is_followed(
    redis_client: redis.Redis,
) -> None:
    publish(redis_client, Topic(name="putin", query="Putin"))
    context, store = context_on(redis_client)
    assert matched(context) == ["putin"]
    before = context.topics_version

    redis_client.flushdb()  # the suite's own Redis, restarted empty
    publish(redis_client, Topic(name="trade", query="trade"))  # the same topic version again
    assert CatalogStore(redis_client).version("topic") == before
    assert matched(context) == ["trade"]
    assert store.full_reads == 2


def test_the_labelled_topics_follow_a_change(redis_client: redis.Redis) -> None:
    publish(redis_client, Topic(name="m", query="Putin"), Topic(name="x", query="Xi"))
    context = WorkerContext(redis_client, Settings(topic_metric_labels=1))
    context.matcher()
    assert [context.metric_topic(t) for t in ("m", "x")] == ["m", OTHER_TOPICS]
    writer = CatalogStore(redis_client)
    writer.add(Topic(name="z", query="talks"), origin="api")  # sorts after: labels unchanged
    context.matcher()
    assert context.metric_topic("z") == OTHER_TOPICS
    writer.add(Topic(name="a", query="trade"), origin="api")  # sorts first: takes the label
    context.matcher()
    assert [context.metric_topic(t) for t in ("a", "m")] == ["a", OTHER_TOPICS]
    writer.remove("topic", "a")
    context.matcher()
    assert context.metric_topic("m") == "m"


def test_topic_versions_written_without_the_log_are_never_taken_as_logged(
    redis_client: redis.Redis,
) -> None:
    # a release before the log (a rolling upgrade, an older `newswatch apply`) writes the
    # topic and bumps the version, and logs nothing: by hand here, as that release did
    def old_release_writes(name: str, query: str) -> None:
        entry = Entry(Topic(name=name, query=query), "api", "", "")
        redis_client.hset(keys.TOPICS, name, _encode(entry))
        redis_client.hincrby(keys.CATALOG_VERSION, "topic", 1)

    publish(redis_client, Topic(name="putin", query="Putin"))
    context, store = context_on(redis_client)
    assert matched(context) == ["putin"]
    old_release_writes("xi", "Xi")  # the last version unlogged
    assert sorted(matched(context)) == ["putin", "xi"]
    assert store.full_reads == 2
    old_release_writes("talks", "talks")
    CatalogStore(redis_client).add(Topic(name="trade", query="trade"), origin="api")
    # a logged change after an unlogged one: the log holds "trade" only, and says so
    since = CatalogStore(redis_client).version("topic") - 2
    assert CatalogStore(redis_client).topic_changes(since).names is None
    assert sorted(matched(context)) == ["putin", "talks", "trade", "xi"]
    assert store.full_reads == 3
    CatalogStore(redis_client).add(Topic(name="moscow", query="Moscow"), origin="api")
    assert sorted(matched(context)) == ["moscow", "putin", "talks", "trade", "xi"]
    assert store.full_reads == 3  # logged again from there on


def test_a_catalogue_restored_from_a_backup_is_read_again(redis_client: redis.Redis) -> None:
    publish(redis_client, Topic(name="putin", query="Putin"))
    backup = {key: redis_client.dump(key) for key in redis_client.keys("nw:*")}
    context, store = context_on(redis_client)
    CatalogStore(redis_client).add(Topic(name="xi", query="Xi"), origin="api")
    assert matched(context) == ["putin", "xi"]

    # the same generation, an older topic version and older topics
    for key, value in backup.items():
        redis_client.restore(key, 0, value, replace=True)
    added = set(redis_client.keys("nw:*")) - set(backup)
    if added:
        redis_client.delete(*added)
    assert matched(context) == ["putin"]
    assert store.full_reads == 2
