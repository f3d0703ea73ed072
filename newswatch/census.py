"""The state of a deployment as Redis holds it, read in a few round trips: feeds by health and
poll interval, silent and overdue feeds, the worst feeds, the rq queues and their registries,
the newest alert. ``/metrics`` exports it at scrape time (:mod:`newswatch.state_metrics`) and
``newswatch status`` prints it, so both say the same, whichever processes are running.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import redis
from rq import Queue
from rq.registry import (
    DeferredJobRegistry,
    FailedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)

from newswatch.core.feed_state import (
    SHOWN_HEALTH,
    FeedState,
    Health,
    interval_bucket,
    is_silent,
    shown_health,
)
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from newswatch.store.feed_state import decode_state

OVERDUE_AFTER = 60.0  # seconds past due before a feed counts as overdue
QUEUES = (keys.ARTICLE_QUEUE,)
QUEUE_STATES = ("queued", "started", "deferred", "scheduled", "failed")
# worst first: a parked feed is dead, a failing one may recover, a slow one works
_SEVERITY = {Health.PARKED: 0, Health.FAILING: 1, Health.SLOW: 2, Health.OK: 3}


@dataclasses.dataclass(frozen=True)
class FeedHealth:
    feed_id: str
    name: str
    url: str
    state: FeedState


@dataclasses.dataclass(frozen=True)
class Census:
    feeds_by_health: dict[str, int]  # ok, slow, failing, parked, new (not polled yet)
    feeds_by_interval: dict[str, int]
    feeds_silent: int
    feeds_overdue: int
    worst_feeds: list[FeedHealth]  # at most ``worst`` of them, worst first, healthy ones left out
    queue_jobs: dict[str, dict[str, int]]  # queue -> state -> jobs
    newest_alert_at: float | None  # unix time of the newest alert; None: never an alert
    dead_letters: int  # deliveries that failed for good, waiting for a replay

    @property
    def feeds(self) -> int:
        return sum(self.feeds_by_health.values())


def read_census(client: redis.Redis, now: float, *, worst: int = 5) -> Census:
    feeds = CatalogStore(client).feeds()
    pipe = client.pipeline(transaction=False)
    for feed in feeds:
        pipe.hgetall(keys.feed_state(feed.id))
    pipe.zcount(keys.SCHEDULE, "-inf", now - OVERDUE_AFTER)
    pipe.zcard(keys.DEAD_LETTERS)
    pipe.zrevrange(keys.ALERTS_BY_TIME, 0, 0, withscores=True)
    replies: list[Any] = pipe.execute()
    states = [decode_state(raw) for raw in replies[: len(feeds)]]
    overdue, dead_letters, newest = replies[len(feeds) :]

    health = dict.fromkeys(SHOWN_HEALTH, 0)
    intervals: dict[str, int] = {}
    for state in states:
        health[shown_health(state)] += 1
        if state.interval:
            bucket = interval_bucket(state.interval)
            intervals[bucket] = intervals.get(bucket, 0) + 1
    unhealthy = [
        FeedHealth(feed.id, feed.display_name, feed.url, state)
        for feed, state in zip(feeds, states, strict=True)
        if state.health is not Health.OK
    ]
    unhealthy.sort(key=lambda f: (_SEVERITY[f.state.health], -f.state.consecutive_errors, f.name))
    return Census(
        feeds_by_health=health,
        feeds_by_interval=intervals,
        feeds_silent=sum(is_silent(state, now) for state in states),
        feeds_overdue=int(overdue),
        worst_feeds=unhealthy[:worst],
        queue_jobs={name: _queue_jobs(client, name) for name in QUEUES},
        newest_alert_at=float(newest[0][1]) if newest else None,
        dead_letters=int(dead_letters),
    )


def _queue_jobs(client: redis.Redis, name: str) -> dict[str, int]:
    queue = Queue(name, connection=client)
    return {
        "queued": queue.count,
        "started": StartedJobRegistry(queue=queue).count,
        "deferred": DeferredJobRegistry(queue=queue).count,
        "scheduled": ScheduledJobRegistry(queue=queue).count,  # type: ignore[no-untyped-call]
        "failed": FailedJobRegistry(queue=queue).count,
    }
