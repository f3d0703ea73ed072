"""ArticleStore on the suite's real Redis: articles, their retention, the failure stream."""

from __future__ import annotations

import redis

from newswatch.core.fingerprint import url_key
from newswatch.core.models import Article
from newswatch.store import keys
from newswatch.store.articles import ArticleStore
from newswatch.store.stories import StoryStore

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
    article = _article()
    placement = StoryStore(redis_client, retention=3600).place(article, None, url_key=url_key(URL))
    assert placement.status == "new"
    ttls = [
        redis_client.ttl(keys.seen_url(url_key(URL))),
        redis_client.ttl(keys.seen_text(article.fingerprint)),
        redis_client.ttl(keys.story(article.id)),
    ]
    store.save(article)
    ttls.append(redis_client.ttl(keys.article("a1")))
    assert all(0 < ttl <= 3600 for ttl in ttls), ttls
