"""The HTTP API served by a real uvicorn on 127.0.0.1, against the suite's real Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import redis

from newswatch.api.app import create_app
from newswatch.config import Settings
from newswatch.core import neardup
from newswatch.core.catalog import Catalog, Feed, Topic
from newswatch.core.feed_state import FeedState, Health
from newswatch.core.models import Alert, Article
from newswatch.core.text import tokenize
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.connection import connect
from newswatch.store.failures import record_failure
from newswatch.store.feeds import FeedStateStore
from newswatch.store.stories import StoryStore
from tests.support.api import serve
from tests.support.stories import HEADLINE, NOW, PARAGRAPHS
from tests.support.stories import make_article as make_story_article

BASE = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
CONTRACT_ARTICLE_FIELDS = {
    "id",
    "url",
    "canonical_url",
    "title",
    "source",
    "published_at",
    "language",
}


def make_article(n: int) -> Article:
    return Article(
        id=f"art{n:04d}",
        url=f"https://news.example.org/{n}?utm_source=x",
        canonical_url=f"https://news.example.org/{n}",
        title=f"Summit story {n}",
        source="example.org",
        published_at=(BASE - timedelta(hours=1)).isoformat(),
        language="en",
        author="A. Writer",
        text=f"The leaders met at summit number {n}.",
        fingerprint=f"fp{n}",
        feed_id="feed0001",
        feed_name="Example feed",
        extracted_at=BASE.isoformat(),
    )


def make_alert(n: int, topic: str = "summits") -> Alert:
    article = make_article(n)
    summary = article.summary()
    summary["author"] = article.author  # not part of the contract: must not be served
    return Alert(
        id=Alert.make_id(topic, article.fingerprint),
        topic=topic,
        created_at=(BASE + timedelta(minutes=n)).isoformat(),
        matched=["summit"],
        snippet=f"... summit number {n} ...",
        article=summary,
    )


@pytest.fixture
def api(redis_client: redis.Redis) -> Iterator[httpx.Client]:
    app = create_app(redis_client, settings=Settings(alert_stream_maxlen=1000))
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


@pytest.fixture
def stored(redis_client: redis.Redis) -> list[Alert]:
    store = AlertStore(redis_client)
    alerts = [make_alert(n, "summits" if n % 2 else "warrants") for n in range(6)]
    for alert in alerts:
        store.add(alert)
    return alerts


def test_alerts_are_listed_newest_first_in_the_contract_shape(
    api: httpx.Client, stored: list[Alert]
) -> None:
    response = api.get("/api/alerts")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["count"] == len(stored)
    assert [a["id"] for a in body["alerts"]] == [a.id for a in reversed(stored)]
    first = body["alerts"][0]
    assert set(first) == {
        "id", "topic", "created_at", "matched", "snippet", "article", "highlights",
        "snippet_marks", "story_id", "sources_count", "sources", "updated_at", "latest_article",
        "backfilled",
    }  # fmt: skip
    assert set(first["article"]) == CONTRACT_ARTICLE_FIELDS
    newest = stored[-1]
    assert first["created_at"] == newest.created_at
    assert first["matched"] == newest.matched
    assert first["article"]["canonical_url"] == newest.article["canonical_url"]


def test_alerts_filter_by_topic_since_and_limit(api: httpx.Client, stored: list[Alert]) -> None:
    summits = [a.id for a in reversed(stored) if a.topic == "summits"]
    body = api.get("/api/alerts", params={"topic": "summits"}).json()
    assert [a["id"] for a in body["alerts"]] == summits

    since = (BASE + timedelta(minutes=4)).isoformat()  # inclusive: alerts 4 and 5
    body = api.get("/api/alerts", params={"since": since}).json()
    assert [a["id"] for a in body["alerts"]] == [stored[5].id, stored[4].id]

    body = api.get("/api/alerts", params={"limit": "2"}).json()
    assert body["count"] == 2
    assert [a["id"] for a in body["alerts"]] == [stored[5].id, stored[4].id]

    body = api.get("/api/alerts", params={"since": "2026-11-29"}).json()  # a date: midnight UTC
    assert body == {"alerts": [], "count": 0, "next": None}


def test_since_with_an_unescaped_plus_offset(api: httpx.Client, stored: list[Alert]) -> None:
    # 18:04+02:00 is 16:04 UTC; the raw "+" arrives as a space
    response = api.get("/api/alerts?since=2026-11-28T18:04:00+02:00")
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["alerts"]] == [stored[5].id, stored[4].id]


@pytest.mark.parametrize(
    ("query", "parameter", "expected"),
    [
        ("since=yesterday", "since", "ISO-8601"),
        ("since=2026-13-01", "since", "ISO-8601"),
        ("limit=0", "limit", "1 to 500"),
        ("limit=501", "limit", "1 to 500"),
        ("limit=ten", "limit", "1 to 500"),
        ("limit=-3", "limit", "1 to 500"),
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(
    api: httpx.Client, query: str, parameter: str, expected: str
) -> None:
    response = api.get(f"/api/alerts?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith(f"invalid {parameter} ")
    assert expected in error


def test_one_alert_by_id_and_404(api: httpx.Client, stored: list[Alert]) -> None:
    response = api.get(f"/api/alerts/{stored[2].id}")
    assert response.status_code == 200
    assert response.json()["id"] == stored[2].id
    assert response.json()["topic"] == stored[2].topic

    missing = api.get("/api/alerts/0123456789abcdef0123")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no alert with id '0123456789abcdef0123'"}


@pytest.mark.parametrize("bad_id", ["a" * 65, "semi;colon", "dots.in.id", "%C3%A9t%C3%A9"])
def test_ids_outside_the_allowed_alphabet_are_400(api: httpx.Client, bad_id: str) -> None:
    for path in (f"/api/alerts/{bad_id}", f"/api/articles/{bad_id}"):
        response = api.get(path)
        assert response.status_code == 400, path
        assert "expected 1 to 64 characters of A-Z a-z 0-9 _ -" in response.json()["error"]


def test_article_by_id(api: httpx.Client, redis_client: redis.Redis) -> None:
    article = make_article(7)
    ArticleStore(redis_client).save(article)
    response = api.get(f"/api/articles/{article.id}")
    assert response.status_code == 200
    assert response.json() == article.to_dict()
    missing = api.get("/api/articles/nope")
    assert missing.status_code == 404
    assert "nope" in missing.json()["error"]


def test_topics_with_alert_counts(
    api: httpx.Client, redis_client: redis.Redis, stored: list[Alert]
) -> None:
    CatalogStore(redis_client).apply(
        Catalog(
            topics=(
                Topic(name="summits", query="summit OR talks", languages=("en",)),
                Topic(name="quiet", query="nothing"),
            )
        ),
        owner="test",
    )
    body = api.get("/api/topics").json()
    assert body["count"] == 3
    for topic in body["topics"][:2]:
        assert topic.pop("origin") == "test"
        assert topic.pop("created_at") == topic.pop("updated_at")
    assert body["topics"] == [
        {
            "name": "quiet",
            "query": "nothing",
            "languages": [],
            "pack": "",
            "alerts": 0,
            "configured": True,
        },
        {
            "name": "summits",
            "query": "summit OR talks",
            "languages": ["en"],
            "pack": "",
            "alerts": 3,
            "configured": True,
        },
        # still has alerts, but no longer configured
        {"name": "warrants", "alerts": 3, "configured": False},
    ]


def test_feeds_with_poll_state_and_last_error(api: httpx.Client, redis_client: redis.Redis) -> None:
    failing = Feed(url="https://down.example.net/rss", name="Down")
    fresh = Feed(url="https://fresh.example.org/atom")
    CatalogStore(redis_client).apply(Catalog(feeds=(failing, fresh)), owner="test")
    FeedStateStore(redis_client).put_state(
        failing.id,
        FeedState(
            last_status="error",
            last_error="connect: connection refused",
            consecutive_errors=3,
            health=Health.PARKED,
            interval=86400,
            interval_reason="parked: failing for too long; retried rarely",
        ),
    )
    body = api.get("/api/feeds").json()
    assert body["count"] == 2
    by_url = {feed["url"]: feed for feed in body["feeds"]}
    assert by_url[failing.url]["id"] == failing.id
    assert by_url[failing.url]["name"] == "Down"
    assert by_url[failing.url]["last_status"] == "error"
    assert by_url[failing.url]["last_error"] == "connect: connection refused"
    assert by_url[failing.url]["consecutive_errors"] == 3
    assert by_url[failing.url]["health"] == "parked"
    assert by_url[failing.url]["interval"] == 86400
    assert by_url[failing.url]["interval_reason"].startswith("parked")
    assert by_url[fresh.url]["last_status"] == "never_polled"


def test_invalid_stored_configuration_is_a_json_500(
    api: httpx.Client, redis_client: redis.Redis
) -> None:
    redis_client.hset(keys.TOPICS, "broken", "{not json")
    response = api.get("/api/topics")
    assert response.status_code == 500
    assert response.json()["error"].startswith("stored configuration is invalid: ")


def test_failures_newest_first(api: httpx.Client, redis_client: redis.Redis) -> None:
    for n in range(3):
        record_failure(
            redis_client, kind="feed", reason="timeout", message=f"timeout {n}", at=1000.0 + n
        )
    body = api.get("/api/failures", params={"limit": "2"}).json()
    assert body["count"] == 2
    assert [f["message"] for f in body["failures"]] == ["timeout 2", "timeout 1"]
    assert body["failures"][0]["reason"] == "timeout"


def test_index_healthz_and_metrics(api: httpx.Client) -> None:
    index = api.get("/").json()
    assert "/api/alerts" in index["endpoints"]
    assert "/healthz" in index["endpoints"]

    health = api.get("/healthz")
    # Redis answers, but no scheduler or worker runs here: unhealthy, and it says why
    assert health.status_code == 503
    assert health.json()["redis"] == "ok"
    assert health.json()["reasons"] == [
        "no scheduler is running: none has ever sent a heartbeat",
        "no worker is running: none has ever sent a heartbeat",
    ]

    metrics = api.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "newswatch_alerts_created_total" in metrics.text
    assert "newswatch_feed_polls_total" in metrics.text


def test_unknown_routes_and_methods_are_json_errors(api: httpx.Client) -> None:
    missing = api.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not found: /api/nothing-here"}
    wrong_method = api.delete("/healthz")
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"error": "method DELETE not allowed on /healthz"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_redis_unreachable_is_503_not_a_traceback() -> None:
    dead = connect(f"redis://127.0.0.1:{_closed_port()}/0")  # the client `newswatch api` uses
    app = create_app(dead, settings=Settings())
    try:
        with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
            health = client.get("/healthz")
            assert health.status_code == 503
            assert health.json()["status"] == "error"
            assert "Redis unreachable" in health.json()["error"]

            for path in ("/api/alerts", "/api/alerts/abc", "/api/topics", "/api/feeds"):
                response = client.get(path)
                assert response.status_code == 503, path
                assert response.json()["error"].startswith("Redis unreachable: "), path

            assert client.get("/metrics").status_code == 200  # needs no Redis
    finally:
        dead.close()


def test_newswatch_api_command_serves_and_stops_on_sigterm(
    redis_url: str, stored: list[Alert]
) -> None:
    port = _closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(NEWSWATCH_REDIS_URL=redis_url, NEWSWATCH_API_PORT=str(port))
    newswatch = str(Path(sys.executable).parent / "newswatch")
    with subprocess.Popen(
        [newswatch, "api"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as process:
        try:
            base_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    health = httpx.get(f"{base_url}/healthz", timeout=5)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            assert health.json()["redis"] == "ok"  # (no scheduler or worker: 503)
            body = httpx.get(f"{base_url}/api/alerts", params={"limit": 1}, timeout=5).json()
            assert [a["id"] for a in body["alerts"]] == [stored[-1].id]

            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
            assert process.stderr is not None
            assert b"Traceback" not in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_newswatch_api_without_redis_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env["NEWSWATCH_DATA_DIR"] = str(tmp_path)
    newswatch = str(Path(sys.executable).parent / "newswatch")
    result = subprocess.run([newswatch, "api"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "NEWSWATCH_REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_stories_and_alerts_carry_their_sources(
    api: httpx.Client, redis_client: redis.Redis
) -> None:
    stories = StoryStore(redis_client)
    alerts = AlertStore(redis_client)
    copies = [
        make_story_article("c1", "herald.example", PARAGRAPHS, HEADLINE),
        make_story_article("c2", "courier.example", PARAGRAPHS[1:], "Fishing deal agreed"),
    ]
    for n, article in enumerate(copies):
        ArticleStore(redis_client).save(article)
        near = neardup.fingerprint(tokenize(article.text))
        placement = stories.place(article, near, url_key=article.id, now=NOW + 60 * n)
        at = datetime.fromtimestamp(NOW + 60 * n, UTC).isoformat()
        alert = Alert(
            id=Alert.make_id("fishing", placement.story_id),
            topic="fishing",
            created_at=at,
            matched=["fishing"],
            snippet="...",
            article=article.summary(),
            story_id=placement.story_id,
        )
        alerts.record(placement.story_id, [alert], article_id=article.id, at=at)

    (listed,) = api.get("/api/alerts").json()["alerts"]
    assert {"story_id", "sources_count", "sources", "updated_at", "latest_article"} <= set(listed)
    assert listed["story_id"] == "c1"
    assert (listed["sources_count"], listed["sources"]) == (
        2,
        ["herald.example", "courier.example"],
    )
    assert listed["article"]["id"] == "c1" and listed["latest_article"]["id"] == "c2"
    assert listed["updated_at"] == "2026-11-28T16:01:00+00:00"

    body = api.get("/api/stories").json()
    assert body["count"] == 1
    (story,) = body["stories"]
    assert story["id"] == "c1" and story["title"] == HEADLINE
    assert (story["sources_count"], story["articles_count"]) == (2, 2)
    assert story["first_seen"] == "2026-11-28T16:00:00+00:00"

    detail = api.get("/api/stories/c1").json()
    assert [a["id"] for a in detail["articles"]] == ["c1", "c2"]
    assert detail["articles"][1]["source"] == "courier.example"
    assert [a["topic"] for a in detail["alerts"]] == ["fishing"]
    assert detail["alerts"][0]["sources_count"] == 2

    assert api.get("/api/stories/nope").status_code == 404
    assert api.get("/api/stories/bad.id").status_code == 400
    assert api.get("/api/stories", params={"limit": "0"}).status_code == 400
    assert api.get("/api/stories", params={"since": "2026-11-29"}).json()["count"] == 0


def test_a_feed_filter_longer_than_any_reference_is_400_naming_it(api: httpx.Client) -> None:
    response = api.get("/api/articles", params={"feed": "https://news.example.org/" + "a" * 3000})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("invalid feed ") and "1 to 2048 characters" in error
    assert len(error) < 200  # the value is shown shortened
