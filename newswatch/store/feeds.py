"""Feed polling state in Redis, read synchronously (the API, the CLI, tests): each feed's
:class:`FeedState`, the schedule, the seen sets and page retry counts. The scheduler itself
writes through the asynchronous :class:`newswatch.store.polling.PollStore`; both encode the
state with :mod:`newswatch.store.feed_state`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import redis

from newswatch.core.feed_state import FeedState
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from newswatch.store.feed_state import decode_state, encode_state, state_fields


class FeedStateStore:
    """Cheap to build; holds only the client."""

    def __init__(self, client: redis.Redis):
        self.client = client

    # -- schedule -------------------------------------------------------------------------

    def due_at(self, feed_id: str) -> float | None:
        """When a feed is next due (or its lease ends); None when it is not scheduled."""
        score = self.client.zscore(keys.SCHEDULE, feed_id)
        return float(score) if score is not None else None

    def reschedule(self, feed_id: str, at: float) -> None:
        """Set when a feed is next due (only a feed still on the schedule)."""
        self.client.zadd(keys.SCHEDULE, {feed_id: at}, xx=True)

    def next_due(self) -> float | None:
        """When the earliest feed is due (or its lease ends); None when nothing is scheduled."""
        first = self.client.zrange(keys.SCHEDULE, 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    # -- poll state -----------------------------------------------------------------------

    def get_state(self, feed_id: str) -> FeedState:
        """The poll state of a feed (a never-polled state if there is none)."""
        return decode_state(self.client.hgetall(keys.feed_state(feed_id)))

    def put_state(self, feed_id: str, state: FeedState) -> None:
        """Replace a feed's state (tools and tests; the scheduler writes its own)."""
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(keys.feed_state(feed_id))
        pipe.hset(keys.feed_state(feed_id), mapping=encode_state(state))  # type: ignore[arg-type]
        pipe.execute()

    def list_states(self) -> list[dict[str, Any]]:
        """Every configured feed with its poll state, never-polled feeds included, in
        configuration order: what ``/api/feeds`` serves. ``url`` is the configured URL,
        ``fetch_url`` the one polled after a permanent redirect moved the feed."""
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
            state = state_fields(decode_state(raw_state))
            configured = feed.interval
            state.update(
                id=feed.id,
                url=feed.url,
                name=feed.display_name,
                configured_interval=configured,
                fetch_pages=feed.fetch_pages,
                due_at=float(due) if due is not None else None,
                items_seen=int(seen),
            )
            out.append(state)
        return out

    # -- items already taken --------------------------------------------------------------

    def filter_unseen(self, feed_id: str, item_keys: list[str]) -> list[str]:
        """The keys not taken from this feed before, in the given order."""
        if not item_keys:
            return []
        scores = self.client.zmscore(keys.feed_seen(feed_id), item_keys)
        return [k for k, score in zip(item_keys, scores, strict=True) if score is None]

    def seen_count(self, feed_id: str) -> int:
        return int(self.client.zcard(keys.feed_seen(feed_id)))

    def attempts(self, feed_id: str, item_key: str) -> int:
        value = self.client.hget(keys.feed_attempts(feed_id), item_key)
        return int(value) if value is not None else 0

    def pending_retries(self, feed_id: str) -> int:
        """How many items of this feed wait for another attempt at their page."""
        return int(self.client.hlen(keys.feed_attempts(feed_id)))

    def forget(self, feed_ids: Iterable[str]) -> None:
        """Drop the schedule entries of feeds (tests of a stale schedule)."""
        ids = list(feed_ids)
        if ids:
            self.client.zrem(keys.SCHEDULE, *ids)
