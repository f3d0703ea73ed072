"""The alert event stream: every alert created, and every update of an alert (its story gained
sources), in order, for consumers that must not miss one (deliveries, Atom feeds,
``newswatch alerts --follow``).

One Redis stream, ``keys.ALERT_STREAM``. The writer is :mod:`newswatch.store.alerts`, which
appends an event in the same Lua script that writes the alert, so an alert exists exactly
when its "created" event does. Entries carry ``kind`` (created / updated), ``id`` (the alert
id), ``topic``, ``story``, ``sources_count``, ``new_sources`` (space-separated domains),
``article`` and ``at``.

Two ways to read:

- a **consumer group** (delivery): :meth:`AlertEvents.ensure_group`, then
  :meth:`~AlertEvents.read_group` hands each event to one consumer of the group, who
  :meth:`~AlertEvents.ack`\\ s it once handled. After a crash, ``read_group(pending=True)``
  gives a consumer back what it had taken and not acknowledged, and
  :meth:`~AlertEvents.claim_stale` takes over what a dead consumer left.
- a **cursor** (``--follow``, a browser): :meth:`~AlertEvents.read` after a stream id.

Trimming (:meth:`~AlertEvents.trim`, run by the workers after writing and by every ack)
never removes an event that some group has not read or not acknowledged: it keeps at least
the ``keep`` newest events for cursor readers, and beyond them only what every group is done
with. A group that stops reading for good holds the stream back until it is deleted
(:meth:`~AlertEvents.delete_group`); :meth:`~AlertEvents.groups` shows each group's lag.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import redis

from newswatch.core.models import AlertEvent, EventKind
from newswatch.store import keys
from newswatch.store.codec import as_text

EMPTY_STREAM_ID = "0-0"
DEFAULT_KEEP = 100_000
MAX_READ = 1000  # events per read, whatever the caller asks

# KEYS: stream; ARGV: keep. Removes the oldest events beyond ``keep``, but none that a
# consumer group still needs: everything after its last delivered id, and its pending ones.
# Returns the number of events removed.
_TRIM_SCRIPT = """
local function less(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
local len = redis.call('XLEN', KEYS[1])
local excess = len - tonumber(ARGV[1])
if excess <= 0 then
  return 0
end
local floor = '+'
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local info = {}
  for i = 1, #group, 2 do
    info[group[i]] = group[i + 1]
  end
  local need = info['last-delivered-id']
  if info['pending'] > 0 then
    need = redis.call('XPENDING', KEYS[1], info['name'])[2]
  end
  if floor == '+' or less(need, floor) then
    floor = need
  end
end
-- the oldest events below the floor: earlier trims removed the rest, so this reads few
local oldest = redis.call('XRANGE', KEYS[1], '-', floor, 'COUNT', excess + 1)
local minid = floor
if #oldest == excess + 1 then
  minid = oldest[#oldest][1]
end
if minid == '+' then
  return 0
end
return redis.call('XTRIM', KEYS[1], 'MINID', minid)
"""


def encode_event(event: AlertEvent) -> dict[str, str]:
    """The stream entry fields of an event (its ``id`` is the entry id, not a field)."""
    return {
        "kind": event.kind,
        "id": event.alert_id,
        "topic": event.topic,
        "story": event.story_id,
        "sources_count": str(event.sources_count),
        "new_sources": " ".join(event.new_sources),
        "article": event.article_id,
        "at": event.at,
    }


def decode_event(entry_id: bytes | str, fields: dict[Any, Any]) -> AlertEvent:
    """An event from a stream entry. Entries written before events had a kind (``id`` and
    ``topic`` only) read as "created"."""
    text = {as_text(k): as_text(v) for k, v in fields.items()}
    try:
        count = int(text.get("sources_count") or 0)
    except ValueError:
        count = 0
    return AlertEvent(
        id=as_text(entry_id),
        kind=text.get("kind") or EventKind.CREATED.value,
        alert_id=text.get("id", ""),
        topic=text.get("topic", ""),
        story_id=text.get("story", ""),
        sources_count=count,
        new_sources=(text.get("new_sources") or "").split(),
        article_id=text.get("article", ""),
        at=text.get("at", ""),
    )


@dataclasses.dataclass(frozen=True)
class GroupInfo:
    """A consumer group as :meth:`AlertEvents.groups` reports it."""

    name: str
    consumers: int
    pending: int  # delivered to a consumer, not yet acknowledged
    last_delivered: str
    lag: int | None  # events not yet delivered to the group (None: Redis cannot tell)


class AlertEvents:
    """Reads, acknowledges and trims the alert event stream. ``keep``: events kept for
    cursor readers once every consumer group is done with them."""

    def __init__(self, client: redis.Redis, *, keep: int = DEFAULT_KEEP):
        if keep < 1:
            raise ValueError(f"keep must be at least 1, got {keep}")
        self.client = client
        self.keep = keep
        self._trim = client.register_script(_TRIM_SCRIPT)

    # -- cursor readers --------------------------------------------------------------------

    def position(self) -> str:
        """The id of the newest event ("0-0" when there is none): read after it to follow."""
        last: Any = self.client.xrevrange(keys.ALERT_STREAM, count=1)
        return as_text(last[0][0]) if last else EMPTY_STREAM_ID

    def read(
        self, after: str = "$", *, count: int = 500, block_ms: int | None = None
    ) -> tuple[str, list[AlertEvent]]:
        """Events after stream id ``after``, oldest first, and the id to pass next time.
        ``after`` "$" means "from now" (resolved to the current position, so nothing is lost
        between two calls); ``block_ms`` waits that long for a first event (None: no wait)."""
        if after == "$":
            after = self.position()
        reply: Any = self.client.xread(
            {keys.ALERT_STREAM: after}, count=_bounded(count), block=block_ms
        )
        events = [decode_event(i, f) for i, f in reply[0][1]] if reply else []
        return (events[-1].id if events else after), events

    # -- consumer groups -------------------------------------------------------------------

    def ensure_group(self, group: str, *, start: str = EMPTY_STREAM_ID) -> bool:
        """Create ``group`` if it does not exist; True if created. ``start`` "0-0" delivers
        every event still in the stream, "$" only those appended from now on."""
        try:
            self.client.xgroup_create(keys.ALERT_STREAM, group, id=start, mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" in str(exc):
                return False
            raise
        return True

    def delete_group(self, group: str) -> bool:
        """Forget ``group`` and what it had not acknowledged (it no longer holds back
        trimming); True if it existed."""
        removed: Any = self.client.xgroup_destroy(keys.ALERT_STREAM, group)
        return bool(removed)

    def read_group(
        self,
        group: str,
        consumer: str,
        *,
        count: int = 100,
        block_ms: int | None = None,
        pending: bool = False,
    ) -> list[AlertEvent]:
        """Events for ``consumer`` of ``group``: new ones (each delivered to one consumer of
        the group), or with ``pending`` those it took before and has not acknowledged yet
        (read these first after a restart). Acknowledge each with :meth:`ack`."""
        reply: Any = self.client.xreadgroup(
            group,
            consumer,
            {keys.ALERT_STREAM: EMPTY_STREAM_ID if pending else ">"},
            count=_bounded(count),
            block=None if pending else block_ms,
        )
        if not reply:
            return []
        # a pending entry trimmed by hand comes back with no fields: nothing to hand on
        return [decode_event(i, f) for i, f in reply[0][1] if f]

    def claim_stale(
        self, group: str, consumer: str, *, min_idle_ms: int, count: int = 100
    ) -> list[AlertEvent]:
        """Take over events that another consumer of ``group`` took and has not acknowledged
        for ``min_idle_ms`` (it died): they become ``consumer``'s, to handle and ack."""
        reply: Any = self.client.xautoclaim(
            keys.ALERT_STREAM, group, consumer, min_idle_ms, count=_bounded(count)
        )
        return [decode_event(i, f) for i, f in reply[1] if f]

    def ack(self, group: str, event_ids: list[str]) -> int:
        """Mark events handled by ``group``; returns how many were pending. Trims what every
        group is now done with."""
        if not event_ids:
            return 0
        acked: Any = self.client.xack(keys.ALERT_STREAM, group, *event_ids)
        self.trim()
        return int(acked)

    def groups(self) -> list[GroupInfo]:
        try:
            raw: Any = self.client.xinfo_groups(keys.ALERT_STREAM)
        except redis.ResponseError:  # no stream yet
            return []
        return [
            GroupInfo(
                name=as_text(g["name"]),
                consumers=int(g["consumers"]),
                pending=int(g["pending"]),
                last_delivered=as_text(g["last-delivered-id"]),
                lag=None if g.get("lag") is None else int(g["lag"]),
            )
            for g in raw
        ]

    # -- maintenance -----------------------------------------------------------------------

    def trim(self) -> int:
        """Remove the events beyond ``keep`` that every consumer group is done with;
        returns how many were removed."""
        removed: Any = self._trim(keys=[keys.ALERT_STREAM], args=[self.keep])
        return int(removed)

    def length(self) -> int:
        length: Any = self.client.xlen(keys.ALERT_STREAM)
        return int(length)


def _bounded(count: int) -> int:
    return max(1, min(count, MAX_READ))
