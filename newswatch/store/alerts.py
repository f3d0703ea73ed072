"""Alerts in Redis: one JSON string per alert and two time indexes (the capped list people
browse), and an event per alert in the alert event stream (:mod:`newswatch.store.alert_events`).

Layout (names from :mod:`newswatch.store.keys`):

- ``keys.alert(id)``: the alert JSON;
- ``keys.ALERTS_BY_TIME`` and ``keys.alerts_by_topic(topic)``: zsets id -> created_at (unix);
- ``keys.ALERT_TOPICS``: the set of topic names that have alerts (no keyspace SCAN needed);
- ``keys.ALERT_STREAM``: the event stream; a new alert appends a "created" event.

Writes are one Lua script, so an alert is either fully indexed, with its event, or absent,
and adding the same alert id twice (ids are deterministic per story and topic) is a no-op.
The indexes are capped at ``maxlen`` alerts: the oldest alerts are dropped together with their
JSON (their events stay until every consumer has read them).
"""

from __future__ import annotations

import builtins
import json
from datetime import UTC, datetime
from typing import Any

import redis

from newswatch.core.models import Alert, AlertEvent, EventKind
from newswatch.store import keys
from newswatch.store.alert_events import encode_event
from newswatch.store.codec import as_text

# KEYS: alert key, by-time zset, by-topic zset, event stream, topic-name set
# ARGV: json, score, id, topic, maxlen, alert key prefix, topic zset prefix, then the event's
# field/value pairs
_ADD_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[5], ARGV[4])
redis.call('XADD', KEYS[4], '*', unpack(ARGV, 8))
local maxlen = tonumber(ARGV[5])
local excess = redis.call('ZCARD', KEYS[2]) - maxlen
if excess > 0 then
  local dropped = redis.call('ZPOPMIN', KEYS[2], excess)
  for i = 1, #dropped, 2 do
    local old_id = dropped[i]
    local old_key = ARGV[6] .. old_id
    local raw = redis.call('GET', old_key)
    if raw then
      local ok, decoded = pcall(cjson.decode, raw)
      if ok and type(decoded) == 'table' and type(decoded['topic']) == 'string' then
        local topic_key = ARGV[7] .. decoded['topic']
        redis.call('ZREM', topic_key, old_id)
        if redis.call('ZCARD', topic_key) == 0 then
          redis.call('SREM', KEYS[5], decoded['topic'])
        end
      end
    end
    redis.call('DEL', old_key)
  end
end
return 1
"""


def iso_to_unix(value: str) -> float:
    """Unix time of an ISO-8601 timestamp; a timestamp without offset is taken as UTC."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _unix(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def encode_alert(alert: Alert) -> str:
    return json.dumps(alert.to_dict(), ensure_ascii=False, separators=(",", ":"))


def decode_alert(raw: bytes | str) -> Alert:
    data: dict[str, Any] = json.loads(raw)
    return Alert.from_dict(data)


class AlertStore:
    """Stores and lists alerts. ``maxlen`` caps the indexes (the capped list)."""

    def __init__(self, client: redis.Redis, *, maxlen: int = 100_000):
        if maxlen < 1:
            raise ValueError(f"maxlen must be at least 1, got {maxlen}")
        self.client = client
        self.maxlen = maxlen
        self._add = client.register_script(_ADD_SCRIPT)

    def add(self, alert: Alert) -> bool:
        """Store and index the alert; False if an alert with this id already exists."""
        score = iso_to_unix(alert.created_at)
        event = encode_event(
            AlertEvent(
                id="",
                kind=EventKind.CREATED.value,
                alert_id=alert.id,
                topic=alert.topic,
                article_id=str(alert.article.get("id", "")),
                at=alert.created_at,
            )
        )
        added = self._add(
            keys=[
                keys.alert(alert.id),
                keys.ALERTS_BY_TIME,
                keys.alerts_by_topic(alert.topic),
                keys.ALERT_STREAM,
                keys.ALERT_TOPICS,
            ],
            args=[
                encode_alert(alert),
                repr(score),
                alert.id,
                alert.topic,
                self.maxlen,
                keys.alert(""),
                keys.alerts_by_topic(""),
                *(part for pair in event.items() for part in pair),
            ],
        )
        return bool(added)

    def get(self, alert_id: str) -> Alert | None:
        raw: Any = self.client.get(keys.alert(alert_id))
        return decode_alert(raw) if raw is not None else None

    def get_many(self, alert_ids: builtins.list[str]) -> builtins.list[Alert]:
        """The alerts that still exist, in the order given (dropped ones are skipped)."""
        if not alert_ids:
            return []
        raws: Any = self.client.mget([keys.alert(i) for i in alert_ids])
        return [decode_alert(raw) for raw in raws if raw is not None]

    def list(
        self, *, topic: str | None = None, since: datetime | None = None, limit: int = 50
    ) -> builtins.list[Alert]:
        """Newest first; ``since`` is inclusive; at most ``limit`` alerts."""
        if limit < 1:
            return []
        index = keys.alerts_by_topic(topic) if topic is not None else keys.ALERTS_BY_TIME
        low: float | str = _unix(since) if since is not None else "-inf"
        ids: Any = self.client.zrevrangebyscore(index, "+inf", low, start=0, num=limit)
        return self.get_many([as_text(i) for i in ids])

    def count(self, topic: str | None = None) -> int:
        index = keys.alerts_by_topic(topic) if topic is not None else keys.ALERTS_BY_TIME
        count: Any = self.client.zcard(index)
        return int(count)

    def topics(self) -> dict[str, int]:
        """Every topic that has stored alerts, with its alert count."""
        members: Any = self.client.smembers(keys.ALERT_TOPICS)
        names = sorted(as_text(m) for m in members)
        if not names:
            return {}
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.zcard(keys.alerts_by_topic(name))
        counts = pipe.execute()
        return {name: int(n) for name, n in zip(names, counts, strict=True) if n}
