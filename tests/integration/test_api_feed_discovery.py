"""``POST /api/feeds?discover=1`` on a real uvicorn socket, against the suite's Redis and a
real origin on 127.0.0.1: a site's page becomes its feed, what was found is in the answer,
nothing found is a 422 on ``url``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import redis

from newswatch.api.app import create_app
from newswatch.api.auth import AccessPolicy
from newswatch.config import Settings
from newswatch.core.catalog import Feed
from newswatch.store.catalog import CatalogStore
from tests.support.api import serve
from tests.support.origin import Origin, Route, rss

TOKEN = "t0ken-for-the-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PAGE = b"""<!doctype html><html><head>
<link rel="alternate" type="application/rss+xml" href="/missing.xml" title="Missing">
<link rel="alternate" type="application/rss+xml" href="/news.xml" title="Link title">
</head><body>Hello</body></html>"""


@pytest.fixture
def origin() -> Iterator[Origin]:
    with Origin().running() as running:
        running.routes["/"] = Route(PAGE)
        running.routes["/news.xml"] = Route(rss("News", []), content_type="application/rss+xml")
        running.routes["/plain"] = Route(b"<html><head></head></html>")
        yield running


def client_for(redis_client: redis.Redis, settings: Settings) -> Iterator[httpx.Client]:
    policy = AccessPolicy(TOKEN, reads_open=True, token_hint="set a token")
    app = create_app(redis_client, settings=settings, policy=policy)
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as client:
        yield client


@pytest.fixture
def api(redis_client: redis.Redis) -> Iterator[httpx.Client]:
    local = Settings(allow_private_networks=True, allowed_ports="1-65535")
    yield from client_for(redis_client, local)


def test_a_page_becomes_its_first_working_feed(
    api: httpx.Client, origin: Origin, redis_client: redis.Redis
) -> None:
    answer = api.post(
        "/api/feeds?discover=1", json={"url": origin.url("/"), "interval": "1h"}, headers=AUTH
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["url"], body["name"], body["interval"]) == (origin.url("/news.xml"), "News", 3600)
    assert body["discovery"]["announced"] == 2
    assert body["discovery"]["found"] == [
        {"url": origin.url("/news.xml"), "title": "News", "found_as": "announced"}
    ]
    assert [n["url"] for n in body["discovery"]["not_feeds"]] == [origin.url("/missing.xml")]
    assert answer.headers["location"].endswith(f"/api/feeds/{Feed(origin.url('/news.xml')).id}")
    assert CatalogStore(redis_client).feeds() == [
        Feed(origin.url("/news.xml"), name="News", interval=3600)
    ]

    named = api.post(
        "/api/feeds?discover=1", json={"url": origin.url("/news.xml"), "name": "Mine"}, headers=AUTH
    )
    assert named.status_code == 409  # the same feed, given directly this time
    assert "already exists" in named.json()["error"]


def test_nothing_found_is_a_422_on_url(
    api: httpx.Client, origin: Origin, redis_client: redis.Redis
) -> None:
    answer = api.post("/api/feeds?discover=1", json={"url": origin.url("/plain")}, headers=AUTH)
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert problem["field"] == "url"
    assert "no feed found at" in problem["message"] and "it announces none" in problem["message"]
    bad = api.post("/api/feeds?discover=yes", json={"url": origin.url("/")}, headers=AUTH)
    assert bad.status_code == 400
    assert CatalogStore(redis_client).feeds() == []
    assert origin.hits("/feed") == 1  # the usual places were tried for /plain


def test_without_discover_nothing_is_fetched(api: httpx.Client, origin: Origin) -> None:
    answer = api.post("/api/feeds", json={"url": origin.url("/")}, headers=AUTH)
    assert answer.status_code == 201
    assert "discovery" not in answer.json()
    assert origin.hits("/") == 0


def test_the_address_guard_applies(redis_client: redis.Redis, origin: Origin) -> None:
    for client in client_for(redis_client, Settings(allowed_ports="1-65535")):
        answer = client.post("/api/feeds?discover=1", json={"url": origin.url("/")}, headers=AUTH)
        assert answer.status_code == 422
        message = answer.json()["problems"][0]["message"]
        assert "loopback address" in message and "allow_private_networks" in message
    assert origin.hits("/") == 0
    assert CatalogStore(redis_client).feeds() == []
