"""Feed polling state in Redis: the schedule with its leases, per-feed poll state, the per-feed
set of items already taken, page retry counts, and the failure log.

Leases: ``keys.SCHEDULE`` maps feed id -> the time it is due. :meth:`FeedStateStore.claim_due`
takes due feeds and, in the same Lua script, moves their score to ``now + lease``. So two
schedulers never get the same feed, and the feeds of a scheduler that died come back due when
the lease runs out. A scheduler that finishes a poll reschedules the feed to its next poll time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import redis

from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from newswatch.store.codec import lenient_text

SEEN_LIMIT = 5000  # item keys remembered per feed (newest first-seen kept)
ATTEMPTS_TTL = 7 * 24 * 3600  # retry counts of items that vanished from their feed expire

_INT_FIELDS = frozenset({"consecutive_errors", "items_total", "last_new_items", "pending_items"})
_FLOAT_FIELDS = frozenset({"last_polled_at", "next_poll_at"})

# KEYS[1] schedule zset; ARGV: now, lease expiry, limit
_CLAIM_DUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
end
return ids
"""


def _decode_state(raw: Mapping[Any, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for key, value in raw.items():
        name, text = lenient_text(key), lenient_text(value)
        try:
            if name in _INT_FIELDS:
                state[name] = int(text)
                continue
            if name in _FLOAT_FIELDS:
                state[name] = float(text)
                continue
        except ValueError:
            pass  # a hand-edited field stays a string rather than breaking the API
        state[name] = text
    return state


class FeedStateStore:
    """Everything the scheduler keeps per feed. Cheap to build; holds only the client."""

    def __init__(self, client: redis.Redis, *, seen_limit: int = SEEN_LIMIT):
        self.client = client
        self.seen_limit = seen_limit
        self._claim = client.register_script(_CLAIM_DUE)

    # -- schedule -------------------------------------------------------------------------

    def claim_due(self, now: float, lease: float, limit: int) -> list[str]:
        """Atomically take up to ``limit`` feeds due at ``now`` and hold them until
        ``now + lease`` (the lease). Returns their ids, most overdue first."""
        if limit <= 0:
            return []
        ids = self._claim(keys=[keys.SCHEDULE], args=[repr(now), repr(now + lease), limit])
        return [lenient_text(i) for i in ids]

    def extend_leases(self, feed_ids: Iterable[str], until: float) -> None:
        """Push the lease of feeds still being polled (only later, never earlier; only feeds
        still scheduled)."""
        mapping = {feed_id: until for feed_id in feed_ids}
        if mapping:
            self.client.zadd(keys.SCHEDULE, mapping, xx=True, gt=True)

    def reschedule(self, feed_id: str, at: float) -> None:
        """Set when a feed is next due (this also ends its lease). Only a feed still on the
        schedule: a poll that ends after its feed was removed from the configuration must not
        bring it back."""
        self.client.zadd(keys.SCHEDULE, {feed_id: at}, xx=True)

    def ensure_scheduled(self, feed_ids: Iterable[str], at: float) -> int:
        """Add feeds missing from the schedule, due at ``at``; returns how many were added."""
        mapping = {feed_id: at for feed_id in feed_ids}
        if not mapping:
            return 0
        added: Any = self.client.zadd(keys.SCHEDULE, mapping, nx=True)
        return int(added)

    def unschedule(self, feed_id: str) -> None:
        """Drop a feed that is no longer configured."""
        self.client.zrem(keys.SCHEDULE, feed_id)

    def next_due(self) -> float | None:
        """When the earliest feed is due (or its lease ends); None when nothing is scheduled."""
        first = self.client.zrange(keys.SCHEDULE, 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    # -- poll state -----------------------------------------------------------------------

    def get_state(self, feed_id: str) -> dict[str, Any]:
        """The poll state of a feed ({} if never polled). Counts are ints, times floats
        (unix seconds), everything else strings."""
        return _decode_state(self.client.hgetall(keys.feed_state(feed_id)))

    def save_poll_result(self, feed_id: str, *, add_items: int = 0, **fields: Any) -> None:
        """Write poll-state fields in one round trip. A field given as None is removed (an
        ETag the origin stopped sending, the last error after a success); ``add_items`` is
        added to ``items_total``."""
        key = keys.feed_state(feed_id)
        to_set = {name: str(value) for name, value in fields.items() if value is not None}
        to_drop = [name for name, value in fields.items() if value is None]
        pipe = self.client.pipeline(transaction=True)
        if to_set:
            pipe.hset(key, mapping=to_set)  # type: ignore[arg-type]
        if to_drop:
            pipe.hdel(key, *to_drop)
        if add_items:
            pipe.hincrby(key, "items_total", add_items)
        pipe.execute()

    def list_states(self) -> list[dict[str, Any]]:
        """Every configured feed with its poll state, never-polled feeds included, in
        configuration order: what ``/api/feeds`` serves."""
        feeds = CatalogStore(self.client).feeds()
        pipe = self.client.pipeline(transaction=False)
        for feed in feeds:
            pipe.hgetall(keys.feed_state(feed.id))
            pipe.zscore(keys.SCHEDULE, feed.id)
            pipe.zcard(keys.feed_seen(feed.id))
        replies = pipe.execute()
        out: list[dict[str, Any]] = []
        for index, feed in enumerate(feeds):
            raw_state, due, seen = replies[3 * index : 3 * index + 3]
            state = _decode_state(raw_state)
            state.update(
                id=feed.id,
                url=feed.url,
                name=feed.display_name,
                interval=feed.interval,
                fetch_pages=feed.fetch_pages,
                due_at=float(due) if due is not None else None,
                items_seen=int(seen),
            )
            state.setdefault("last_status", "never_polled")
            state.setdefault("consecutive_errors", 0)
            state.setdefault("items_total", 0)
            out.append(state)
        return out

    # -- items already taken --------------------------------------------------------------

    def filter_unseen(self, feed_id: str, item_keys: list[str]) -> list[str]:
        """The keys not taken from this feed before, in the given order."""
        if not item_keys:
            return []
        scores = self.client.zmscore(keys.feed_seen(feed_id), item_keys)
        return [k for k, score in zip(item_keys, scores, strict=True) if score is None]

    def mark_seen(self, feed_id: str, item_keys: Iterable[str], now: float) -> None:
        """Remember items as taken (first-seen time kept), keep the newest ``seen_limit``,
        and forget their retry counts."""
        item_keys = list(item_keys)
        if not item_keys:
            return
        seen = keys.feed_seen(feed_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.zadd(seen, dict.fromkeys(item_keys, now), nx=True)
        pipe.zremrangebyrank(seen, 0, -self.seen_limit - 1)
        pipe.hdel(keys.feed_attempts(feed_id), *item_keys)
        pipe.execute()

    # -- page retries ---------------------------------------------------------------------

    def record_attempt(self, feed_id: str, item_key: str) -> int:
        """Count one failed (retryable) attempt at an item's page; returns the count so far."""
        key = keys.feed_attempts(feed_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.hincrby(key, item_key, 1)
        pipe.expire(key, ATTEMPTS_TTL)
        count, _ = pipe.execute()
        return int(count)

    def attempts(self, feed_id: str, item_key: str) -> int:
        value = self.client.hget(keys.feed_attempts(feed_id), item_key)
        return int(value) if value is not None else 0

    def pending_retries(self, feed_id: str) -> int:
        """How many items of this feed wait for another attempt at their page."""
        return int(self.client.hlen(keys.feed_attempts(feed_id)))
