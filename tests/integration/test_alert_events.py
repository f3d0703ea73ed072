"""The alert event stream on the suite's real Redis: consumer groups, acknowledgement, cursors,
and trimming that never drops what a group has not acknowledged."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import redis

from newswatch.core.models import Alert, AlertEvent
from newswatch.store import keys
from newswatch.store.alert_events import AlertEvents, decode_event, encode_event
from newswatch.store.alerts import AlertStore

BASE = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


def make_alert(n: int, topic: str = "summits") -> Alert:
    return Alert(
        id=Alert.make_id(topic, f"story{n}"),
        topic=topic,
        created_at=(BASE + timedelta(minutes=n)).isoformat(),
        matched=["summit"],
        snippet=f"... summit {n} ...",
        article={"id": f"art{n}", "url": f"https://news.example.org/{n}"},
    )


def add_alerts(client: redis.Redis, numbers: range) -> list[Alert]:
    store = AlertStore(client)
    alerts = [make_alert(n) for n in numbers]
    for alert in alerts:
        assert store.add(alert)
    return alerts


def test_an_alert_appends_one_created_event(redis_client: redis.Redis) -> None:
    (alert,) = add_alerts(redis_client, range(1))
    AlertStore(redis_client).add(alert)  # again: no second event
    _, events = AlertEvents(redis_client).read("0-0")
    assert [(e.kind, e.alert_id, e.topic, e.article_id, e.at) for e in events] == [
        ("created", alert.id, "summits", "art0", alert.created_at)
    ]


def test_event_fields_round_trip() -> None:
    event = AlertEvent(
        id="5-1",
        kind="updated",
        alert_id="a1",
        topic="t",
        story_id="s1",
        sources_count=3,
        new_sources=["example.net", "example.org"],
        article_id="art9",
        at="2026-11-28T16:00:00+00:00",
    )
    fields = {k.encode(): v.encode() for k, v in encode_event(event).items()}
    assert decode_event(b"5-1", fields) == event
    # an entry written before events had a kind reads as "created"
    old = decode_event("7-0", {b"id": b"a2", b"topic": b"t"})
    assert (old.kind, old.alert_id, old.topic, old.new_sources) == ("created", "a2", "t", [])


def test_cursor_reads_after_a_position(redis_client: redis.Redis) -> None:
    events = AlertEvents(redis_client)
    assert events.position() == "0-0"
    add_alerts(redis_client, range(3))
    position = events.position()
    assert events.read(position) == (position, [])
    later = add_alerts(redis_client, range(3, 5))
    after, read = events.read(position)
    assert [e.alert_id for e in read] == [a.id for a in later]
    assert after == read[-1].id
    assert events.read("$") == (after, [])  # "$": from now on


def test_a_cursor_read_waits_for_the_next_event(redis_url: str) -> None:
    reader, writer = redis.Redis.from_url(redis_url), redis.Redis.from_url(redis_url)
    try:
        alert = make_alert(2)
        timer = threading.Timer(0.2, lambda: AlertStore(writer).add(alert))
        timer.start()
        try:
            _, read = AlertEvents(reader).read("$", block_ms=10_000)
        finally:
            timer.join()
        assert [e.alert_id for e in read] == [alert.id]
    finally:
        reader.close()
        writer.close()


def test_a_group_hands_each_event_to_one_consumer_until_acknowledged(
    redis_client: redis.Redis,
) -> None:
    alerts = add_alerts(redis_client, range(4))
    events = AlertEvents(redis_client)
    assert events.ensure_group("delivery") is True
    assert events.ensure_group("delivery") is False  # already there: kept as it is

    first = events.read_group("delivery", "worker-a", count=3)
    second = events.read_group("delivery", "worker-b", count=3)
    assert [e.alert_id for e in first + second] == [a.id for a in alerts]  # each once
    assert events.read_group("delivery", "worker-a") == []

    # worker-a restarts: its unacknowledged events come back to it, and only to it
    assert events.read_group("delivery", "worker-a", pending=True) == first
    assert events.ack("delivery", [e.id for e in first]) == 3
    assert events.read_group("delivery", "worker-a", pending=True) == []
    (info,) = events.groups()
    assert (info.name, info.consumers, info.pending, info.lag) == ("delivery", 2, 1, 0)


def test_a_dead_consumers_events_can_be_claimed(redis_client: redis.Redis) -> None:
    add_alerts(redis_client, range(2))
    events = AlertEvents(redis_client)
    events.ensure_group("delivery")
    taken = events.read_group("delivery", "dead")
    assert events.claim_stale("delivery", "alive", min_idle_ms=60_000) == []  # not idle yet
    claimed = events.claim_stale("delivery", "alive", min_idle_ms=0)
    assert claimed == taken
    assert events.read_group("delivery", "alive", pending=True) == taken


def test_a_group_from_now_on_skips_the_backlog(redis_client: redis.Redis) -> None:
    add_alerts(redis_client, range(2))
    events = AlertEvents(redis_client)
    events.ensure_group("late", start="$")
    assert events.read_group("late", "c") == []
    (new,) = add_alerts(redis_client, range(2, 3))
    assert [e.alert_id for e in events.read_group("late", "c")] == [new.id]


def test_trim_keeps_what_a_group_has_not_acknowledged(redis_client: redis.Redis) -> None:
    events = AlertEvents(redis_client, keep=2)
    events.ensure_group("slow")
    events.ensure_group("fast")
    alerts = add_alerts(redis_client, range(10))

    assert events.trim() == 0  # "slow" has read nothing: everything stays
    assert events.length() == 10

    fast = events.read_group("fast", "f", count=100)
    events.ack("fast", [e.id for e in fast])
    assert events.length() == 10  # still needed by "slow"

    slow = events.read_group("slow", "s", count=6)
    events.ack("slow", [e.id for e in slow[:3]])  # 3 handled, 3 still pending
    assert events.length() == 7
    assert events.read_group("slow", "s", pending=True) == slow[3:]

    events.ack("slow", [e.id for e in slow[3:]])
    # every group is done with the first 6; the newest `keep` stay for cursor readers anyway
    rest = events.read_group("slow", "s", count=100)
    assert [e.alert_id for e in rest] == [a.id for a in alerts[6:]]
    events.ack("slow", [e.id for e in rest])
    assert events.length() == 2
    _, kept = events.read("0-0")
    assert [e.alert_id for e in kept] == [a.id for a in alerts[8:]]


def test_trim_without_groups_keeps_the_newest(redis_client: redis.Redis) -> None:
    events = AlertEvents(redis_client, keep=3)
    alerts = add_alerts(redis_client, range(5))
    assert events.trim() == 2
    _, kept = events.read("0-0")
    assert [e.alert_id for e in kept] == [a.id for a in alerts[2:]]
    assert events.trim() == 0


def test_deleting_a_group_releases_the_stream(redis_client: redis.Redis) -> None:
    events = AlertEvents(redis_client, keep=1)
    events.ensure_group("gone")
    add_alerts(redis_client, range(4))
    assert events.trim() == 0
    assert events.delete_group("gone") is True
    assert events.groups() == []
    assert events.trim() == 3
    assert redis_client.xlen(keys.ALERT_STREAM) == 1
