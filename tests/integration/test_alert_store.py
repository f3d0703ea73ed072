"""AlertStore on the suite's real Redis."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import redis

from newswatch.core.models import Alert
from newswatch.store import keys
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore

BASE = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


def make_alert(n: int, topic: str = "summits", minutes: int | None = None) -> Alert:
    created = BASE + timedelta(minutes=n if minutes is None else minutes)
    article_id = f"art{n:04d}"
    return Alert(
        id=Alert.make_id(topic, f"fp{n}"),
        topic=topic,
        created_at=created.isoformat(),
        matched=["summit", "putin"],
        snippet=f"... the summit number {n} ...",
        article={
            "id": article_id,
            "url": f"https://news.example.org/{n}",
            "canonical_url": f"https://news.example.org/{n}",
            "title": f"Summit story {n}",
            "source": "example.org",
            "published_at": created.isoformat(),
            "language": "en",
        },
    )


def test_add_then_get_round_trips_the_alert(redis_client: redis.Redis) -> None:
    store = AlertStore(redis_client)
    alert = make_alert(1)
    assert store.add(alert) is True
    # read back with its sources: an alert outside any story has its article's
    assert store.get(alert.id) == dataclasses.replace(
        alert, sources=["example.org"], sources_count=1, updated_at=alert.created_at
    )
    assert store.get("no-such-alert") is None


def test_add_is_idempotent(redis_client: redis.Redis) -> None:
    store = AlertStore(redis_client)
    alert = make_alert(1)
    assert store.add(alert) is True
    assert store.add(alert) is False
    assert store.count() == 1
    assert redis_client.xlen(keys.ALERT_STREAM) == 1


def test_list_is_newest_first_with_limit(redis_client: redis.Redis) -> None:
    store = AlertStore(redis_client)
    alerts = [make_alert(n) for n in range(10)]
    for alert in (alerts[3], alerts[0], alerts[9], *alerts):  # insertion order is irrelevant
        store.add(alert)
    listed = store.list(limit=4)
    assert [a.id for a in listed] == [a.id for a in reversed(alerts[6:])]
    assert len(store.list(limit=100)) == 10
    assert store.list(limit=0) == []


def test_list_filters_by_topic_and_since(redis_client: redis.Redis) -> None:
    store = AlertStore(redis_client)
    summits = [make_alert(n, "summits") for n in range(5)]
    warrants = [make_alert(n, "warrants") for n in range(5)]
    for alert in summits + warrants:
        store.add(alert)
    assert [a.id for a in store.list(topic="warrants")] == [a.id for a in reversed(warrants)]
    assert store.list(topic="unknown") == []
    since = BASE + timedelta(minutes=3)  # inclusive
    recent = store.list(topic="summits", since=since)
    assert [a.id for a in recent] == [summits[4].id, summits[3].id]
    naive_since = since.replace(tzinfo=None)  # naive means UTC
    assert store.list(since=naive_since, limit=50) == store.list(since=since, limit=50)
    assert {a.topic for a in store.list(since=since)} == {"summits", "warrants"}
    assert store.topics() == {"summits": 5, "warrants": 5}


def test_offset_timestamps_are_ordered_by_instant(redis_client: redis.Redis) -> None:
    store = AlertStore(redis_client)
    early = make_alert(1)
    # 16:30+02:00 is 14:30 UTC: older than 16:01 UTC although it reads later
    late_looking = Alert.from_dict(
        {**make_alert(2).to_dict(), "created_at": "2026-11-28T16:30:00+02:00"}
    )
    store.add(early)
    store.add(late_looking)
    assert [a.id for a in store.list()] == [early.id, late_looking.id]


def test_capping_drops_the_oldest_alerts_everywhere(redis_client: redis.Redis) -> None:
    store = AlertStore(redis_client, maxlen=5)
    alerts = [make_alert(n, "summits" if n % 2 else "warrants") for n in range(12)]
    for alert in alerts:
        store.add(alert)
    kept = alerts[7:]
    assert store.count() == 5
    assert [a.id for a in store.list()] == [a.id for a in reversed(kept)]
    for old in alerts[:7]:
        assert store.get(old.id) is None
    assert store.topics() == {
        "summits": sum(1 for a in kept if a.topic == "summits"),
        "warrants": sum(1 for a in kept if a.topic == "warrants"),
    }
    # their events stay until every consumer has read them (AlertEvents.trim)
    assert redis_client.xlen(keys.ALERT_STREAM) == 12


def test_a_busy_topic_drops_its_own_oldest_alerts_not_the_others(
    redis_client: redis.Redis,
) -> None:
    store = AlertStore(redis_client, maxlen=10, topic_maxlen=4)
    quiet = [make_alert(n, "quiet") for n in range(3)]
    busy = [make_alert(n, "busy") for n in range(3, 20)]
    for alert in [*quiet, *busy]:
        store.add(alert)
    # without the per-topic cap the 10 newest (all busy) would have pushed "quiet" out
    assert store.topics() == {"quiet": 3, "busy": 4}
    assert store.count() == 7
    assert [a.id for a in store.list(topic="busy")] == [a.id for a in reversed(busy[-4:])]
    for old in busy[:-4]:
        assert store.get(old.id) is None
        assert redis_client.exists(keys.alert(old.id)) == 0
    assert {a.id for a in store.list(topic="quiet")} == {a.id for a in quiet}


def test_a_topic_whose_alerts_were_all_dropped_disappears(redis_client: redis.Redis) -> None:
    store = AlertStore(redis_client, maxlen=3)
    for n in range(2):
        store.add(make_alert(n, "old"))
    for n in range(2, 6):
        store.add(make_alert(n, "new"))
    assert store.topics() == {"new": 3}
    assert redis_client.smembers(keys.ALERT_TOPICS) == {b"new"}
    assert redis_client.exists(keys.alerts_by_topic("old")) == 0


def test_decoded_responses_client_works_too(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        store = AlertStore(client)
        store.add(make_alert(1, "Gipfel & Treffen"))
        assert store.topics() == {"Gipfel & Treffen": 1}
        assert store.list(topic="Gipfel & Treffen")[0].topic == "Gipfel & Treffen"
        position, new = AlertEvents(client).read("0-0")
        assert [e.topic for e in new] == ["Gipfel & Treffen"] and position != "0-0"
        events = AlertEvents(client)
        events.ensure_group("g")
        (event,) = events.read_group("g", "c")
        assert events.ack("g", [event.id]) == 1
        assert events.groups()[0].name == "g"
    finally:
        client.close()


def test_writes_queued_before_the_alerts_share_their_round_trip(redis_client: redis.Redis) -> None:
    """record(before=...) sends the caller's writes ahead of the alerts script in one
    pipeline; a Redis that lost its scripts (SCRIPT FLUSH, a restart) still records, and the
    caller's writes are not doubled by the retry."""
    store = AlertStore(redis_client)

    def before(pipe: redis.client.Pipeline) -> None:
        pipe.incr("writes-before")

    alert = make_alert(1)
    created, _ = store.record("", [alert], article_id="art0001", at=alert.created_at,
                              before=before)  # fmt: skip
    assert created == ["summits"] and redis_client.get("writes-before") == b"1"
    redis_client.script_flush()
    second = make_alert(2)
    created, _ = store.record("", [second], article_id="art0002", at=second.created_at,
                              before=before)  # fmt: skip
    assert created == ["summits"] and redis_client.get("writes-before") == b"2"
    assert store.count() == 2
    # an error in the caller's writes is raised, as it would be sent alone
    redis_client.set("a-string", "x")
    with pytest.raises(redis.ResponseError):
        store.record("", [make_alert(3)], article_id="art0003", at=second.created_at,
                     before=lambda pipe: pipe.incr("a-string"))  # fmt: skip
