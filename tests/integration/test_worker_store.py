"""ArticleStore on the suite's real Redis: duplicate claims, articles, the failure stream."""

from __future__ import annotations

import threading

import redis

from newswatch.core.fingerprint import url_key
from newswatch.core.models import Article
from newswatch.store import keys
from newswatch.store.articles import ArticleStore

URL = "https://news.example.com/world/summit"


def _article(article_id: str = "a1") -> Article:
    return Article(
        id=article_id,
        url=URL + "?utm_source=rss",
        canonical_url=URL,
        title="Putin and Xi meet — a “new era”",
        source="news.example.com",
        published_at="2023-03-17T10:00:00+00:00",
        language="en",
        author="Ana Pérez",
        text="Xi and Putin will hold a first meeting on Monday.",
        fingerprint="f" * 64,
        feed_id="feed1",
        feed_name="World",
        extracted_at="2023-03-17T10:05:00+00:00",
    )


def test_claim_new_then_duplicate_by_url_or_text(redis_client: redis.Redis) -> None:
    store = ArticleStore(redis_client)
    assert store.claim("a1", URL, "fp1") is None
    assert store.claim("a2", URL, "fp2") == "a1"  # same URL, other text
    assert store.claim("a3", URL + "/other", "fp1") == "a1"  # other URL, same text
    assert store.claim("a4", URL + "/new", "fp4") is None
    # a duplicate claims nothing: its URL and text stay free for no one but their first owner
    assert redis_client.get(keys.seen_text("fp2")) is None


def test_claim_is_idempotent_for_the_same_article(redis_client: redis.Redis) -> None:
    store = ArticleStore(redis_client)
    assert store.claim("a1", URL, "fp1") is None
    assert store.claim("a1", URL, "fp1") is None  # the job ran again after a crash
    assert store.claim("b1", URL, "fp9") == "a1"


def test_concurrent_claims_have_one_winner(redis_url: str) -> None:
    winners: list[str] = []
    barrier = threading.Barrier(8)

    def claim(n: int) -> None:
        client = redis.Redis.from_url(redis_url)
        try:
            barrier.wait()
            if ArticleStore(client).claim(f"id{n}", URL, f"fp{n}") is None:
                winners.append(f"id{n}")
        finally:
            client.close()

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.get(keys.seen_url(url_key(URL))) == winners[0].encode()
        assert client.get(keys.seen_text(winners[0].replace("id", "fp"))) == winners[0].encode()
    finally:
        client.close()


def test_save_and_get_round_trip(redis_client: redis.Redis) -> None:
    store = ArticleStore(redis_client)
    assert store.get("a1") is None
    article = _article()
    store.save(article)
    assert store.get("a1") == article


def test_record_failure_appends_to_the_stream(redis_client: redis.Redis) -> None:
    store = ArticleStore(redis_client)
    entry = store.record_failure("extract", "not_html", "a1", "feed1", "page is a PDF: " + URL)
    entries = redis_client.xrange(keys.FAILURES)
    assert [e[0].decode() for e in entries] == [entry]
    fields = {k.decode(): v.decode() for k, v in entries[0][1].items()}
    assert fields["kind"] == "article"
    assert fields["stage"] == "extract"
    assert fields["reason"] == "not_html"
    assert fields["article_id"] == "a1"
    assert fields["feed_id"] == "feed1"
    assert URL in fields["message"]
    assert float(fields["at"]) > 0


def test_articles_and_claims_expire_after_the_retention(redis_client: redis.Redis) -> None:
    store = ArticleStore(redis_client, retention=3600)
    assert store.claim("kept-a-while", "https://example.com/a", "fp-retention") is None
    ttls = [
        redis_client.ttl(keys.seen_url(url_key("https://example.com/a"))),
        redis_client.ttl(keys.seen_text("fp-retention")),
    ]
    store.save(_article())
    ttls.append(redis_client.ttl(keys.article("a1")))
    assert all(0 < ttl <= 3600 for ttl in ttls), ttls
