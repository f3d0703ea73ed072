"""Deliveries in Redis: one record per (alert or digest, channel), a due queue with leases,
the dead-letter list, disabled channels, and per channel the alerts held for its next digest
and its messages of the last hour (the rate cap).

Layout (names from :mod:`newswatch.store.keys`):

- ``keys.delivery(id)``: hash, the record (:class:`Delivery`);
- ``keys.DELIVERIES_DUE``: zset id -> when due; while a sender holds a delivery its score is
  the end of its lease, so a sender killed mid-send leaves it to be claimed again when the
  lease runs out (an at-most-one retry, with the same id);
- ``keys.DEAD_LETTERS``: zset id -> when it failed for good; ``keys.DELIVERIES_RECENT``:
  zset id -> last change, for listing;
- ``keys.channel_held(channel)``, ``keys.channel_sends(channel)``, ``keys.DIGEST_ANCHORS``,
  ``keys.DISABLED_CHANNELS``.

Ids are deterministic (the dispatcher derives them from the alert or digest and the
channel), and :meth:`DeliveryStore.create` writes a record only when none exists: a delivery
is enqueued once however often its event is read. :meth:`~DeliveryStore.mark_sent` records
it sent once, whatever number of senders finish it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import redis

from newswatch.core.delivery import RATE_WINDOW
from newswatch.core.errors import NotFoundError
from newswatch.store import keys
from newswatch.store.codec import as_text

SENT_TTL = 7 * 86400  # seconds a finished delivery stays readable
RECENT_MAX = 10_000  # deliveries listed by the API and CLI
MAX_LIST = 1000

# KEYS: record, due, recent, channel sends; ARGV: id, due at, now, rate window, then
# field/value pairs
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[4]))
return 1
"""

# KEYS: held, record, due, recent, channel sends, anchors
# ARGV: id, now, channel id, then field/value pairs. Moves the held alerts into a new digest
# delivery (none when nothing is held) and starts the channel's next period.
_RELEASE = """
redis.call('HSET', KEYS[6], ARGV[3], ARGV[2])
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
if #ids == 0 then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 'alerts', cjson.encode(ids), unpack(ARGV, 4))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
return #ids
"""

# KEYS: due; ARGV: now, lease end, count, record key prefix. Takes due deliveries for one
# sender: each is leased (its score becomes the lease end) and counts one more attempt.
_CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[2], id)
  redis.call('HINCRBY', ARGV[4] .. id, 'attempts', 1)
  redis.call('HSET', ARGV[4] .. id, 'status', 'sending')
end
return ids
"""

# KEYS: record, due, recent, dead; ARGV: id, now, status, ttl, then field/value pairs.
# Ends a delivery (sent, dead or dropped) once: returns 0 when it had already ended.
_FINISH = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'sent' or status == 'dead' or status == 'dropped' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], unpack(ARGV, 5))
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if ARGV[3] == 'dead' then
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
else
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
return 1
"""

# KEYS: record, due; ARGV: id, next due, then field/value pairs. A failed attempt of a
# delivery still being sent waits for its next one.
_RETRY = """
if redis.call('HGET', KEYS[1], 'status') ~= 'sending' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'queued', unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
"""

# KEYS: record, due, dead, recent; ARGV: id, now
_REPLAY = """
if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
  return 0
end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0, 'next_at', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
return 1
"""


@dataclasses.dataclass(frozen=True)
class Delivery:
    """One message to one channel: an alert (``kind`` "alert", or "update" when its story
    crossed a sources count), a digest of held alerts, or a test."""

    id: str
    kind: str
    subscription: str
    channel: str  # channel id (core.channels.channel_id)
    channel_kind: str
    alerts: tuple[str, ...]
    note: str = ""  # why it was sent ("new", "sources-5", "quiet_hours", ...)
    created_at: float = 0.0
    alert_at: float = 0.0  # when the (oldest) alert was created: delivery latency's start
    status: str = "queued"  # queued, sending, sent, dead, dropped
    attempts: int = 0
    reason: str = ""  # of the last failure, short
    last_error: str = ""
    next_at: float = 0.0
    sent_at: float = 0.0

    @property
    def msg_id(self) -> str:
        """The ``webhook-id`` of every attempt."""
        return f"msg_{self.id}"

    def fields(self) -> dict[str, str]:
        data = dataclasses.asdict(self)
        data["alerts"] = json.dumps(list(self.alerts))
        return {k: str(v) for k, v in data.items()}

    @classmethod
    def from_fields(cls, raw: dict[Any, Any]) -> Delivery:
        text = {as_text(k): as_text(v) for k, v in raw.items()}
        try:
            alerts = tuple(str(a) for a in json.loads(text.get("alerts") or "[]"))
        except ValueError:
            alerts = ()
        return cls(
            id=text.get("id", ""),
            kind=text.get("kind", ""),
            subscription=text.get("subscription", ""),
            channel=text.get("channel", ""),
            channel_kind=text.get("channel_kind", ""),
            alerts=alerts,
            note=text.get("note", ""),
            created_at=_float(text.get("created_at")),
            alert_at=_float(text.get("alert_at")),
            status=text.get("status", ""),
            attempts=int(_float(text.get("attempts"))),
            reason=text.get("reason", ""),
            last_error=text.get("last_error", ""),
            next_at=_float(text.get("next_at")),
            sent_at=_float(text.get("sent_at")),
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"alerts": list(self.alerts)}


def _float(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def _pairs(fields: dict[str, str]) -> list[str]:
    return [part for pair in fields.items() for part in pair]


class DeliveryStore:
    def __init__(self, client: redis.Redis):
        self.client = client
        self._create = client.register_script(_CREATE)
        self._release = client.register_script(_RELEASE)
        self._claim = client.register_script(_CLAIM)
        self._finish = client.register_script(_FINISH)
        self._retry = client.register_script(_RETRY)
        self._replay = client.register_script(_REPLAY)

    # -- creating ------------------------------------------------------------------------

    def create(self, delivery: Delivery, *, now: float) -> bool:
        """Enqueue ``delivery`` (due at once); False when one with its id exists already."""
        created = self._create(
            keys=[
                keys.delivery(delivery.id),
                keys.DELIVERIES_DUE,
                keys.DELIVERIES_RECENT,
                keys.channel_sends(delivery.channel),
            ],
            args=[delivery.id, now, now, RATE_WINDOW, *_pairs(delivery.fields())],
        )
        return bool(created)

    def hold(self, channel: str, alert_id: str, *, now: float) -> bool:
        """Keep an alert for the channel's next digest; False when it is held already."""
        added: Any = self.client.zadd(keys.channel_held(channel), {alert_id: now}, nx=True)
        return bool(added)

    def held(self, channel: str) -> int:
        count: Any = self.client.zcard(keys.channel_held(channel))
        return int(count)

    def anchor(self, channel: str, *, now: float) -> float:
        """When the channel's current digest period started (now, the first time)."""
        self.client.hsetnx(keys.DIGEST_ANCHORS, channel, repr(now))
        value: Any = self.client.hget(keys.DIGEST_ANCHORS, channel)
        return _float(as_text(value))

    def release(self, digest: Delivery, *, now: float) -> int:
        """Move the channel's held alerts into the digest ``digest`` (its ``alerts`` are
        filled here) and start the channel's next period; returns how many alerts it holds
        (0: nothing was held, or a digest with this id exists: nothing is created)."""
        fields = digest.fields()
        del fields["alerts"]
        count = self._release(
            keys=[
                keys.channel_held(digest.channel),
                keys.delivery(digest.id),
                keys.DELIVERIES_DUE,
                keys.DELIVERIES_RECENT,
                keys.channel_sends(digest.channel),
                keys.DIGEST_ANCHORS,
            ],
            args=[digest.id, now, digest.channel, *_pairs(fields)],
        )
        return int(count)

    def sends_last_hour(self, channel: str, *, now: float) -> int:
        count: Any = self.client.zcount(keys.channel_sends(channel), now - RATE_WINDOW, "+inf")
        return int(count)

    # -- sending -------------------------------------------------------------------------

    def claim(self, *, now: float, lease: float, count: int = 10) -> list[Delivery]:
        """Due deliveries for this sender, each leased until ``now + lease``."""
        ids: Any = self._claim(
            keys=[keys.DELIVERIES_DUE], args=[now, now + lease, count, keys.delivery("")]
        )
        return self.get_many([as_text(i) for i in ids])

    def mark_sent(self, delivery_id: str, *, now: float) -> bool:
        """True the one time the delivery becomes sent."""
        return self._end(delivery_id, "sent", now, sent_at=now, reason="", last_error="")

    def mark_dead(self, delivery_id: str, *, now: float, reason: str, error: str) -> bool:
        return self._end(delivery_id, "dead", now, reason=reason, last_error=error)

    def mark_dropped(self, delivery_id: str, *, now: float, why: str) -> bool:
        """The subscription or channel is gone: nothing to send to, nothing to replay."""
        return self._end(delivery_id, "dropped", now, reason="gone", last_error=why)

    def _end(self, delivery_id: str, status: str, now: float, **fields: Any) -> bool:
        ended = self._finish(
            keys=[
                keys.delivery(delivery_id),
                keys.DELIVERIES_DUE,
                keys.DELIVERIES_RECENT,
                keys.DEAD_LETTERS,
            ],
            args=[
                delivery_id,
                now,
                status,
                SENT_TTL,
                *_pairs({k: str(v) for k, v in fields.items()}),
            ],
        )
        if ended:
            self.client.zremrangebyrank(keys.DELIVERIES_RECENT, 0, -RECENT_MAX - 1)
        return bool(ended)

    def retry_at(self, delivery_id: str, when: float, *, reason: str, error: str) -> bool:
        done = self._retry(
            keys=[keys.delivery(delivery_id), keys.DELIVERIES_DUE],
            args=[delivery_id, when, "next_at", when, "reason", reason, "last_error", error],
        )
        return bool(done)

    def replay(self, delivery_id: str, *, now: float) -> Delivery:
        """Send a dead letter again (from its first attempt). NotFoundError when there is no
        dead letter ``delivery_id``."""
        done = self._replay(
            keys=[
                keys.delivery(delivery_id),
                keys.DELIVERIES_DUE,
                keys.DEAD_LETTERS,
                keys.DELIVERIES_RECENT,
            ],
            args=[delivery_id, now],
        )
        if not done:
            raise NotFoundError(f"no dead letter {delivery_id!r} (see `newswatch deliveries dead`)")
        found = self.get(delivery_id)
        assert found is not None
        return found

    # -- reading -------------------------------------------------------------------------

    def get(self, delivery_id: str) -> Delivery | None:
        raw: Any = self.client.hgetall(keys.delivery(delivery_id))
        return Delivery.from_fields(raw) if raw else None

    def get_many(self, ids: list[str]) -> list[Delivery]:
        if not ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        for delivery_id in ids:
            pipe.hgetall(keys.delivery(delivery_id))
        return [Delivery.from_fields(raw) for raw in pipe.execute() if raw]

    def recent(self, *, limit: int = 100) -> list[Delivery]:
        """Newest change first."""
        ids: Any = self.client.zrevrange(
            keys.DELIVERIES_RECENT, 0, max(1, min(limit, MAX_LIST)) - 1
        )
        return self.get_many([as_text(i) for i in ids])

    def dead_letters(self, *, limit: int = 100) -> list[Delivery]:
        ids: Any = self.client.zrevrange(keys.DEAD_LETTERS, 0, max(1, min(limit, MAX_LIST)) - 1)
        return self.get_many([as_text(i) for i in ids])

    def dead_count(self) -> int:
        count: Any = self.client.zcard(keys.DEAD_LETTERS)
        return int(count)

    def due_count(self) -> int:
        count: Any = self.client.zcard(keys.DELIVERIES_DUE)
        return int(count)

    # -- channels ------------------------------------------------------------------------

    def disable(self, channel: str, *, subscription: str, why: str, now: float) -> None:
        record = {"subscription": subscription, "why": why, "at": now}
        self.client.hset(keys.DISABLED_CHANNELS, channel, json.dumps(record))

    def enable(self, channel: str) -> bool:
        removed: Any = self.client.hdel(keys.DISABLED_CHANNELS, channel)
        return bool(removed)

    def disabled(self) -> dict[str, dict[str, Any]]:
        """Channel id -> {subscription, why, at}."""
        raw: Any = self.client.hgetall(keys.DISABLED_CHANNELS)
        out: dict[str, dict[str, Any]] = {}
        for field, value in raw.items():
            try:
                out[as_text(field)] = json.loads(as_text(value))
            except ValueError:
                out[as_text(field)] = {"why": "unreadable"}
        return out
