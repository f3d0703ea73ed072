"""Feeds of alerts (Atom, parsed by feedparser without errors, and JSON) and the deliveries
API (recent, dead letters with disabled channels, replay)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import feedparser
import httpx
import redis

from newswatch.api.app import create_app
from newswatch.api.auth import AccessPolicy
from newswatch.config import Settings
from newswatch.store.deliveries import DeliveryStore
from tests.support.api import serve
from tests.support.delivering import Clock, Stepper, alert, subscribe
from tests.support.receivers import Reply, WebhookReceiver, new_secret

TOKEN = "delivery-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def _client(redis_client: redis.Redis) -> Iterator[httpx.Client]:
    policy = AccessPolicy(TOKEN, reads_open=True, token_hint="set a token")
    app = create_app(redis_client, settings=Settings(), policy=policy)
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


def test_atom_feeds_per_topic_and_subscription_parse_cleanly(redis_client: redis.Redis) -> None:
    clock = Clock()
    subscribe(redis_client, ["trade", "energy"])
    alert(redis_client, "trade", title="Tariffs <b>rise</b> & fall \x0b", at=clock.now)
    alert(redis_client, "energy", title="Gas prices fall", at=clock.now + 60)
    with _client(redis_client) as api:
        topic = api.get("/feeds/topics/trade.atom")
        both = api.get("/feeds/subscriptions/sub.atom")
        as_json = api.get("/feeds/subscriptions/sub.json")
        missing = api.get("/feeds/topics/nope.atom")
        bad = api.get("/feeds/topics/trade.rss")
    assert topic.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(io.BytesIO(topic.content))
    assert not parsed.bozo, parsed.get("bozo_exception")
    (entry,) = parsed.entries
    assert entry.title == "[trade] Tariffs <b>rise</b> & fall"
    assert entry.link.startswith("https://news.example.com/a/")
    assert "<b>summit</b>" in entry.content[0].value
    parsed_both = feedparser.parse(io.BytesIO(both.content))
    assert not parsed_both.bozo
    assert [e.title for e in parsed_both.entries] == [
        "[energy] Gas prices fall",
        "[trade] Tariffs <b>rise</b> & fall",
    ]
    assert [i["topic"] for i in as_json.json()["items"]] == ["energy", "trade"]
    assert missing.status_code == 404 and "no topic 'nope'" in missing.json()["error"]
    assert bad.status_code == 404


def test_dead_letters_disabled_channels_and_replay_over_the_api(
    redis_client: redis.Redis,
) -> None:
    clock = Clock()
    receiver = WebhookReceiver(new_secret(), [Reply(410)])
    step = Stepper(redis_client, clock)
    with receiver.running(), _client(redis_client) as api:
        subscribe(
            redis_client, ["trade"], channels=[receiver.url], webhook_secrets=[receiver.secret]
        )
        alert(redis_client, "trade", at=clock.now)
        step.run(2)
        dead = api.get("/api/deliveries/dead").json()
        (letter,) = dead["dead_letters"]
        assert letter["reason"] == "http_410" and dead["count"] == 1
        (channel,) = dead["disabled_channels"]
        assert "410 Gone" in channel["why"] and channel["subscription"] == "sub"
        assert receiver.url not in str(dead)  # channels by id, never by URL
        assert api.post(f"/api/deliveries/{letter['id']}/replay").status_code == 401
        replayed = api.post(f"/api/deliveries/{letter['id']}/replay", headers=AUTH)
        assert replayed.status_code == 202 and replayed.json()["channel_enabled"] is True
        assert api.post("/api/deliveries/nope/replay", headers=AUTH).status_code == 404
        step.run(2)
        recent = api.get("/api/deliveries").json()["deliveries"]
    step.close()
    assert recent[0]["status"] == "sent" and recent[0]["sent_at"].endswith("+00:00")
    assert DeliveryStore(redis_client).disabled() == {}
