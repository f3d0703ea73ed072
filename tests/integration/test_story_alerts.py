"""Alerts per story on the suite's real Redis: one alert per (story, topic), updated by later
copies with their sources, each change an event; atomic under concurrency."""

from __future__ import annotations

import threading

import redis

from newswatch.core import neardup
from newswatch.core.fingerprint import url_key
from newswatch.core.models import Alert, Article
from newswatch.core.text import tokenize
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.stories import StoryStore
from tests.support.stories import NOW, PARAGRAPHS, WARRANT, make_article

AT = "2026-11-28T16:00:00+00:00"


def place(client: redis.Redis, article: Article) -> str:
    near = neardup.fingerprint(tokenize(article.text))
    return StoryStore(client).place(article, near, url_key=url_key(article.url), now=NOW).story_id


def alert_for(story_id: str, topic: str, article: Article, at: str = AT) -> Alert:
    return Alert(
        id=Alert.make_id(topic, story_id),
        topic=topic,
        created_at=at,
        matched=[topic],
        snippet="...",
        article=article.summary(),
        story_id=story_id,
    )


def record(client: redis.Redis, article: Article, topics: list[str], at: str = AT) -> tuple:
    story = place(client, article)
    alerts = [alert_for(story, topic, article, at) for topic in topics]
    return AlertStore(client).record(story, alerts, article_id=article.id, at=at)


def test_copies_update_the_alert_and_a_new_topic_raises_one(redis_client: redis.Redis) -> None:
    short = [p for n, p in enumerate(PARAGRAPHS) if n != WARRANT]
    first = make_article("a1", "herald.example", short)
    assert record(redis_client, first, ["fishing"]) == (["fishing"], 0)
    # a copy from another outlet: the alert gains a source, no new alert
    second = make_article("a2", "courier.example", short[1:])
    assert record(redis_client, second, ["fishing"], "2026-11-28T16:05:00+00:00") == ([], 1)
    # a longer copy mentions the warrant: that topic's alert is raised on the story, and the
    # fishing alert gains the third source
    third = make_article("a3", "borderlands.example", PARAGRAPHS)
    assert record(redis_client, third, ["fishing", "warrants"], "2026-11-28T16:09:00+00:00") == (
        ["warrants"],
        1,
    )
    # the same outlet again (another of its articles): no new source, nothing to announce
    fourth = make_article("a4", "herald.example", PARAGRAPHS[:-1])
    assert record(redis_client, fourth, ["fishing", "warrants"]) == ([], 0)

    store = AlertStore(redis_client)
    fishing, warrants = store.get(Alert.make_id("fishing", "a1")), store.list(topic="warrants")[0]
    assert fishing is not None and warrants.id == Alert.make_id("warrants", "a1")
    assert fishing.article["id"] == "a1" and warrants.article["id"] == "a3"
    assert fishing.sources == ["herald.example", "courier.example", "borderlands.example"]
    assert (fishing.sources_count, warrants.sources_count) == (3, 3)
    assert fishing.updated_at == "2026-11-28T16:09:00+00:00"
    assert fishing.latest_article["id"] == "a4"
    assert store.count() == 2

    _, events = AlertEvents(redis_client).read("0-0")
    assert [(e.kind, e.topic, e.sources_count, e.new_sources, e.article_id) for e in events] == [
        ("created", "fishing", 1, ["herald.example"], "a1"),
        ("updated", "fishing", 2, ["courier.example"], "a2"),
        ("created", "warrants", 3, ["herald.example", "courier.example", "borderlands.example"],
         "a3"),
        ("updated", "fishing", 3, ["borderlands.example"], "a3"),
    ]  # fmt: skip
    assert {e.story_id for e in events} == {"a1"}


def test_recording_an_article_again_adds_nothing(redis_client: redis.Redis) -> None:
    article = make_article("a1", "herald.example", PARAGRAPHS)
    assert record(redis_client, article, ["fishing"]) == (["fishing"], 0)
    copy = make_article("a2", "courier.example", PARAGRAPHS[1:])
    assert record(redis_client, copy, ["fishing"]) == ([], 1)
    assert record(redis_client, copy, ["fishing"]) == ([], 0)  # a retried job
    assert AlertEvents(redis_client).length() == 2


def test_concurrent_copies_make_one_alert_per_topic(redis_url: str) -> None:
    copies = [PARAGRAPHS, PARAGRAPHS[1:], PARAGRAPHS[:-1], PARAGRAPHS[2:]]
    barrier = threading.Barrier(len(copies))

    def work(n: int) -> None:
        client = redis.Redis.from_url(redis_url)
        try:
            article = make_article(f"c{n}", f"outlet{n}.example", copies[n])
            barrier.wait()
            record(client, article, ["fishing", "summits"])
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(copies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client = redis.Redis.from_url(redis_url)
    try:
        store = AlertStore(client)
        alerts = store.list()
        assert sorted(a.topic for a in alerts) == ["fishing", "summits"]
        assert {a.sources_count for a in alerts} == {4}
        _, events = AlertEvents(client).read("0-0")
        created = [e for e in events if e.kind == "created"]
        assert sorted(e.topic for e in created) == ["fishing", "summits"]
        # every source is announced exactly once per alert, whatever the interleaving
        for topic in ("fishing", "summits"):
            announced = [s for e in events if e.topic == topic for s in e.new_sources]
            assert sorted(announced) == sorted(f"outlet{n}.example" for n in range(4))
    finally:
        client.close()
