"""Every list endpoint pages with an opaque cursor and a ``next`` link, on a real uvicorn
socket: following ``next`` reads everything once (1,200 alerts, ties in time included, while
new ones arrive), ``GET /api/articles`` filters real stored articles with the query language,
and times are ISO 8601."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import redis

from newswatch.api.app import create_app
from newswatch.api.auth import AccessPolicy
from newswatch.config import Settings
from newswatch.core import neardup
from newswatch.core.alerting import article_document
from newswatch.core.catalog import Feed
from newswatch.core.fingerprint import url_key
from newswatch.core.models import Alert, Article
from newswatch.core.query import explain
from newswatch.core.text import tokenize
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.deliveries import Delivery, DeliveryStore
from newswatch.store.failures import record_failure
from newswatch.store.stories import StoryStore
from tests.support.api import serve
from tests.support.stored import corpus_articles, store_articles

BASE = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def api(redis_client: redis.Redis) -> Iterator[httpx.Client]:
    policy = AccessPolicy("t0ken-for-the-tests-0123456789", reads_open=True, token_hint="-")
    app = create_app(redis_client, settings=Settings(), policy=policy)
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as client:
        yield client


def read_all(
    api: httpx.Client, path: str, key: str, *, total: int | None = None, **params: str
) -> list[dict]:
    """Every item, following ``next``; ``count`` is the page's (or ``total``, where the
    endpoint counts all)."""
    items: list[dict] = []
    url: str | None = path
    first = True
    while url is not None:
        response = api.get(url, params=params if first else None)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body[key]
        assert body["count"] == (len(body[key]) if total is None else total)
        if body["next"] is not None:
            assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        url, first = body["next"], False
    return items


def alert(n: int, topic: str, at: datetime) -> Alert:
    return Alert(
        id=Alert.make_id(topic, f"story{n}"),
        topic=topic,
        created_at=at.isoformat(),
        matched=["word"],
        snippet="...",
        article={"id": f"a{n}", "title": f"Article {n}"},
    )


def test_paging_through_1200_alerts_has_no_gap_and_no_repeat(
    api: httpx.Client, redis_client: redis.Redis
) -> None:
    store = AlertStore(redis_client)
    # three alerts share each second: ties in time are ordered by id, never dropped or repeated
    stored = [
        alert(n, "summits" if n % 2 else "warrants", BASE + timedelta(seconds=n // 3))
        for n in range(1200)
    ]
    for item in stored:
        assert store.add(item)

    seen: list[str] = []
    body = api.get("/api/alerts", params={"limit": "100"}).json()
    later = BASE + timedelta(days=1)
    for n in range(1200, 1210):  # new alerts arrive while the client pages
        store.add(alert(n, "summits", later))
    pages = 0
    while True:
        seen += [a["id"] for a in body["alerts"]]
        pages += 1
        if body["next"] is None:
            break
        body = api.get(body["next"]).json()
    assert pages == 12
    assert len(seen) == len(set(seen)) == 1200
    assert set(seen) == {a.id for a in stored}

    summits = read_all(api, "/api/alerts", "alerts", topic="summits", limit="500")
    assert len(summits) == 610
    assert len({a["id"] for a in summits}) == 610

    since = (BASE + timedelta(seconds=100)).isoformat()
    recent = read_all(api, "/api/alerts", "alerts", since=since, limit="7")
    assert len(recent) == 1200 - 300 + 10

    forged = api.get("/api/alerts", params={"cursor": "bm9wZQ"})
    assert forged.status_code == 400
    assert forged.json()["error"].startswith("invalid cursor")


def test_unknown_topic_is_404_with_did_you_mean(
    api: httpx.Client, redis_client: redis.Redis
) -> None:
    AlertStore(redis_client).add(alert(1, "summits", BASE))
    missing = api.get("/api/alerts", params={"topic": "sumits"})
    assert missing.status_code == 404
    assert missing.json() == {"error": "no topic 'sumits' (did you mean 'summits'?)"}
    assert api.get("/api/alerts", params={"topic": "summits"}).json()["count"] == 1


def test_articles_filtered_with_the_query_language(
    api: httpx.Client, redis_client: redis.Redis, corpora: Path
) -> None:
    now = datetime.now(UTC)
    articles = corpus_articles(corpora, now=now, days=30)
    store_articles(redis_client, articles)
    newest_first = sorted(articles, key=lambda a: (a.extracted_at, a.id), reverse=True)
    query = '"arrest warrant" OR earthquake'
    expected = [a.id for a in newest_first if explain(query, article_document(a)).matched]
    assert len(expected) > 20

    listed = read_all(api, "/api/articles", "articles", q=query, limit="7")
    assert [a["id"] for a in listed] == expected
    assert all(a["matched"] for a in listed)

    everything = read_all(api, "/api/articles", "articles", limit="500")
    assert [a["id"] for a in everything] == [a.id for a in newest_first]
    assert "text" not in everything[0] and everything[0]["feed_id"] == "ecbplus"

    since = (now - timedelta(days=3)).isoformat()
    window = read_all(api, "/api/articles", "articles", since=since, limit="100")
    cutoff = now - timedelta(days=3)
    assert [a["id"] for a in window] == [
        a.id for a in newest_first if datetime.fromisoformat(a.extracted_at) >= cutoff
    ]

    bad = api.get("/api/articles", params={"q": "earthquake AND"})
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["field"] == "query"
    assert "position" in bad.json()["problems"][0]
    assert api.get("/api/articles", params={"feed": "nope"}).status_code == 404


def test_failures_feeds_and_stories_page_with_iso_times(
    api: httpx.Client, redis_client: redis.Redis, corpora: Path
) -> None:
    for n in range(7):
        record_failure(
            redis_client, kind="feed", reason="http_status", message=f"failure {n}",
            at=BASE.timestamp() + n, feed_id=f"f{n}",
        )  # fmt: skip
    failures = read_all(api, "/api/failures", "failures", limit="3")
    assert [f["message"] for f in failures] == [f"failure {n}" for n in reversed(range(7))]
    assert failures[-1]["at"] == "2026-11-01T00:00:00.000+00:00"

    catalog = CatalogStore(redis_client)
    for n in range(5):
        catalog.add(Feed(url=f"https://site{n}.example/rss"), origin="api")
    feeds = read_all(api, "/api/feeds", "feeds", limit="2")
    assert [f["url"] for f in feeds] == [f"https://site{n}.example/rss" for n in range(5)]
    for feed in feeds:
        for name, value in feed.items():
            if name.endswith("_at") and value is not None:
                assert isinstance(value, str) and datetime.fromisoformat(value), name

    stories = StoryStore(redis_client)
    for article in corpus_articles(corpora, now=datetime.now(UTC), days=30)[:40]:
        near = neardup.fingerprint(tokenize(article.text))
        stories.place(article, near, url_key=url_key(article.canonical_url))
    whole = api.get("/api/stories", params={"limit": "500"}).json()
    assert whole["next"] is None and whole["count"] > 10
    paged = read_all(api, "/api/stories", "stories", limit="4")
    assert [s["id"] for s in paged] == [s["id"] for s in whole["stories"]]


def test_articles_of_one_feed(api: httpx.Client, redis_client: redis.Redis, corpora: Path) -> None:
    feed = Feed(url="https://ecbplus.example/rss", name="ECB+")
    CatalogStore(redis_client).add(feed, origin="api")
    articles = corpus_articles(corpora, now=datetime.now(UTC), days=30)[:30]
    ours = {a.id for a in articles[::3]}
    store_articles(
        redis_client,
        [
            Article(**{**a.to_dict(), "feed_id": feed.id if a.id in ours else "other"})
            for a in articles
        ],
    )
    for ref in (feed.id, feed.url, "ECB+"):
        listed = read_all(api, "/api/articles", "articles", feed=ref, limit="4")
        assert {a["id"] for a in listed} == ours


def test_deliveries_and_dead_letters_page(api: httpx.Client, redis_client: redis.Redis) -> None:
    store = DeliveryStore(redis_client)
    start = BASE.timestamp()
    for n in range(9):
        delivery = Delivery(
            id=f"d{n}", kind="alert", subscription="desk", channel="c1", channel_kind="json",
            alerts=(f"a{n}",), created_at=start + n,
        )  # fmt: skip
        assert store.create(delivery, now=start + n)
        if n % 2:
            store.mark_dead(delivery.id, now=start + 100 + n, reason="gone", error="410")
    recent = read_all(api, "/api/deliveries", "deliveries", limit="4")
    assert len({d["id"] for d in recent}) == len(recent) == 9
    dead = read_all(api, "/api/deliveries/dead", "dead_letters", total=4, limit="2")
    assert [d["id"] for d in dead] == ["d7", "d5", "d3", "d1"]
