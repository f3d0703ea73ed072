"""The catalogue over HTTP, on a real uvicorn socket against the suite's Redis: the token,
every endpoint, 422 with positions, 404 with "did you mean", 409."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from newswatch.api.app import create_app
from newswatch.api.auth import AccessPolicy, check_exposure, ensure_token_file, load_token
from newswatch.config import Settings
from newswatch.core.catalog import Feed, Topic
from newswatch.core.errors import ConfigError
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from tests.support.api import serve

TOKEN = "t0ken-for-the-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def policy(*, token: str | None = TOKEN, reads_open: bool = True) -> AccessPolicy:
    return AccessPolicy(token, reads_open=reads_open, token_hint="set a token")


@pytest.fixture
def api(redis_client: redis.Redis) -> Iterator[httpx.Client]:
    app = create_app(redis_client, settings=Settings(), policy=policy())
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


def test_writes_need_the_token_reads_do_not_on_loopback(
    api: httpx.Client, redis_client: redis.Redis
) -> None:
    topic = {"name": "summits", "query": "summit AND president"}
    missing = api.post("/api/topics", json=topic)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer TOKEN" in missing.json()["error"]
    assert TOKEN not in missing.text
    wrong = api.post("/api/topics", json=topic, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    for method in ("put", "delete"):
        assert api.request(method, "/api/topics/summits").status_code == 401
    assert CatalogStore(redis_client).version() == 0
    assert api.get("/api/topics").status_code == 200  # reads are open on loopback
    assert api.post("/api/topics", json=topic, headers=AUTH).status_code == 201


def test_reads_need_the_token_beyond_loopback(redis_client: redis.Redis) -> None:
    app = create_app(redis_client, settings=Settings(), policy=policy(reads_open=False))
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        assert client.get("/api/feeds").status_code == 401
        assert client.get("/api/feeds", headers=AUTH).status_code == 200
        assert client.get("/healthz").status_code in (200, 503)  # probes and scrapes stay open
        assert client.get("/metrics").status_code == 200


def test_without_a_token_writes_are_disabled_and_say_how_to_enable_them(
    redis_client: redis.Redis,
) -> None:
    app = create_app(redis_client, settings=Settings(), policy=policy(token=None))
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        refused = client.post("/api/feeds", json={"url": "https://a.example/rss"}, headers=AUTH)
        assert refused.status_code == 403
        assert refused.json()["error"].startswith("writes through the API are disabled")


def test_feeds_crud(api: httpx.Client, redis_client: redis.Redis) -> None:
    created = api.post(
        "/api/feeds",
        json={"url": "https://a.example/rss", "name": "A", "interval": "15m"},
        headers=AUTH,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    feed_id = Feed(url="https://a.example/rss").id
    assert body["id"] == feed_id
    assert (body["interval"], body["origin"], body["warnings"]) == (900, "api", [])
    assert created.headers["location"] == f"/api/feeds/{feed_id}"
    assert redis_client.zscore(keys.SCHEDULE, feed_id) == 0  # due at once

    listed = api.get("/api/feeds").json()
    assert listed["count"] == 1
    (feed,) = listed["feeds"]
    assert feed["last_status"] == "never_polled" and feed["origin"] == "api"
    assert feed["due_at"] == "1970-01-01T00:00:00+00:00"  # ISO 8601, not an epoch number
    for ref in (feed_id, "A"):
        assert api.get(f"/api/feeds/{ref}").json()["id"] == feed_id

    changed = api.put("/api/feeds/A", json={"interval": 3600}, headers=AUTH)
    assert changed.status_code == 200
    assert (changed.json()["interval"], changed.json()["name"]) == (3600, "A")  # name kept
    moved = api.put(f"/api/feeds/{feed_id}", json={"url": "https://b.example/rss"}, headers=AUTH)
    assert moved.status_code == 422
    assert moved.json()["problems"][0]["field"] == "url"

    again = api.post("/api/feeds", json={"url": "https://A.example:443/rss"}, headers=AUTH)
    assert again.status_code == 409
    assert "same feed as 'https://a.example/rss'" in again.json()["error"]

    removed = api.delete("/api/feeds/A", headers=AUTH)
    assert removed.status_code == 200
    assert removed.json()["removed"]["id"] == feed_id
    assert redis_client.zscore(keys.SCHEDULE, feed_id) is None
    assert api.get("/api/feeds/A").status_code == 404


def test_a_feed_on_the_local_network_comes_back_with_a_warning(api: httpx.Client) -> None:
    created = api.post("/api/feeds", json={"url": "http://127.0.0.1:9/rss"}, headers=AUTH)
    assert created.status_code == 201
    (warning,) = created.json()["warnings"]
    assert warning["severity"] == "warning" and "allow_private_networks" in warning["message"]


def test_a_bad_query_is_422_with_its_field_position_and_hint(api: httpx.Client) -> None:
    response = api.post(
        "/api/topics",
        json={"name": "Summits", "query": "summit AND", "languages": ["english"]},
        headers=AUTH,
    )
    assert response.status_code == 422
    body = response.json()
    assert [p["field"] for p in body["problems"]] == ["name", "query", "languages[0]"]
    query = body["problems"][1]
    assert (query["position"], query["offset"]) == (8, 7)
    assert query["hint"]
    # the same words `newswatch check` prints for a file
    assert query["message"].startswith("nothing to search for after AND at position 8 (")
    assert body["error"].startswith("invalid topic: name: topic name 'Summits' is not allowed")


def test_topics_crud_and_subscriptions_that_follow_them(
    api: httpx.Client, redis_client: redis.Redis
) -> None:
    created = api.put(
        "/api/topics/summits", json={"query": "summit", "languages": ["en"]}, headers=AUTH
    )
    assert created.status_code == 201  # PUT creates a topic that is not there
    assert CatalogStore(redis_client).topics() == [
        Topic(name="summits", query="summit", languages=("en",))
    ]
    changed = api.put("/api/topics/summits", json={"query": "summit OR talks"}, headers=AUTH)
    assert changed.status_code == 200
    assert changed.json()["languages"] == ["en"]  # kept
    renamed = api.put("/api/topics/summits", json={"name": "meetings"}, headers=AUTH)
    assert renamed.status_code == 422

    topic = api.get("/api/topics/summits").json()
    assert (topic["query"], topic["alerts"]) == ("summit OR talks", 0)
    unknown = api.get("/api/topics/sumits")
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "no topic 'sumits' (did you mean 'summits'?)"}

    bad = api.post("/api/subscriptions", json={"name": "desk", "topics": ["sumits"]}, headers=AUTH)
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        {
            "field": "topics[0]",
            "message": "unknown topic 'sumits' (did you mean 'summits'?); known topics are summits",
        }
    ]
    unusable = api.post(
        "/api/subscriptions",
        json={"name": "desk", "topics": ["summits"], "channels": ["nosuchservice://x"]},
        headers=AUTH,
    )
    assert unusable.status_code == 422
    assert unusable.json()["problems"][0]["field"] == "channels[0]"
    assert "apprise does not understand this URL" in unusable.json()["problems"][0]["message"]
    mailed = api.post(
        "/api/subscriptions",
        json={
            "name": "mailed",
            "topics": ["summits"],
            "channels": ["mailto://user:pw-3141@smtp.example.org?to=desk@example.org"],
        },
        headers=AUTH,
    )
    assert mailed.status_code == 201, mailed.text
    shown = api.get("/api/subscriptions/mailed").text
    assert "pw-3141" not in shown and "desk@example.org" not in shown  # credentials redacted
    assert api.delete("/api/subscriptions/mailed", headers=AUTH).status_code == 200
    desk = api.post(
        "/api/subscriptions", json={"name": "desk", "topics": ["summits"]}, headers=AUTH
    )
    assert desk.status_code == 201
    assert api.get("/api/subscriptions").json()["count"] == 1
    assert api.get("/api/subscriptions/desk").json()["topics"] == ["summits"]

    followed = api.delete("/api/topics/summits", headers=AUTH)
    assert followed.status_code == 409
    assert "followed by subscription(s) desk" in followed.json()["error"]
    assert api.delete("/api/subscriptions/desk", headers=AUTH).status_code == 200
    assert api.delete("/api/topics/summits", headers=AUTH).status_code == 200
    assert api.delete("/api/topics/summits", headers=AUTH).status_code == 404


def test_bodies_that_are_not_json_objects(api: httpx.Client) -> None:
    for content, status, message in [
        (b"", 400, "the request needs a JSON object as its body"),
        (b"{not json", 400, "the body is not JSON"),
        (b"[1, 2]", 400, "the body must be a JSON object, got list"),
        (b"[" * 100_000, 400, "the body is not JSON"),
        (b'{"name": "x", "query": "' + b"a" * 300_000 + b'"}', 413, "request body larger"),
    ]:
        response = api.post("/api/topics", content=content, headers=AUTH)
        assert response.status_code == status, content[:20]
        assert response.json()["error"].startswith(message)


def test_the_token_comes_from_the_setting_or_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert load_token(settings) is None
    path = ensure_token_file(settings, tmp_path)
    assert path is not None and path.stat().st_mode & 0o777 == 0o600
    token = load_token(settings)
    assert token is not None and len(token) >= 32
    assert ensure_token_file(settings, tmp_path) == path and load_token(settings) == token
    assert load_token(Settings(data_dir=tmp_path, api_token=TOKEN)) == TOKEN
    path.write_text("short\n")
    with pytest.raises(ConfigError, match="not an API token"):
        load_token(settings)


def test_listening_beyond_loopback_needs_a_token(tmp_path: Path) -> None:
    exposed = Settings(api_host="0.0.0.0", data_dir=tmp_path)
    with pytest.raises(ConfigError) as caught:
        check_exposure(exposed, None)
    (message,) = caught.value.problems
    assert "the API would listen on 0.0.0.0" in message
    assert "NEWSWATCH_API_TOKEN" in message and str(tmp_path / "api-token") in message
    check_exposure(exposed, TOKEN)
    check_exposure(Settings(api_host="127.0.0.1"), None)
    check_exposure(Settings(api_host="::1"), None)


def test_a_topic_may_name_a_pack_topic(api: httpx.Client) -> None:
    created = api.post("/api/topics", json={"name": "meetings", "pack": "summits"}, headers=AUTH)
    assert created.status_code == 201, created.text
    assert created.json()["pack"] == "summits" and created.json()["query"]
    # a change that keeps the reference (the pack supplies the query)
    changed = api.put("/api/topics/meetings", json={"languages": ["en"]}, headers=AUTH)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["pack"], changed.json()["languages"]) == ("summits", ["en"])
    unknown = api.post("/api/topics", json={"name": "x", "pack": "sumits"}, headers=AUTH)
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["field"] == "pack"
