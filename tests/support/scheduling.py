"""Helpers for scheduler tests: feeds served by the test origin, a clock moved by hand, one
``run_once`` cycle of a fresh service, and what reached the rq queue."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable
from typing import Any, TypeVar

import redis
from rq import Queue
from rq.serializers import JSONSerializer

from newswatch.config import Settings
from newswatch.core.catalog import Catalog, Feed
from newswatch.core.schedule import jitter_fraction
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from scheduler.batcher import TASK
from scheduler.service import SchedulerService
from tests.support.origin import Origin, Route, rss

T = TypeVar("T")
START = 1_800_000_000.0


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_settings(redis_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "allow_private_networks": True,
        "allowed_ports": "1-65535",  # the origin listens on a free port
        "fetch_timeout": 5.0,
        "batch_size": 8,
        "batch_linger": 0.01,
        "min_backoff": 60,
        "max_backoff": 3600,
        "fetch_host_gap": 0.0,
        "fetch_per_host": 4,
    }
    values.update(overrides)
    return Settings(**values)


def article_page(title: str) -> bytes:
    text = " ".join(f"{title} paragraph sentence number {i}." for i in range(40))
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head>"
        f"<body><article><h1>{html.escape(title)}</h1><p>{text}</p></article></body></html>"
    ).encode()


def items(*numbers: int) -> list[dict[str, str]]:
    return [
        {"title": f"Story number {n}", "guid": f"story-{n}", "path": f"/a/{n}"} for n in numbers
    ]


def serve_feed(
    origin: Origin,
    path: str,
    entries: list[dict[str, str]],
    *,
    etag: str | None = None,
    extra: str = "",
    **route: Any,
) -> None:
    """A feed at ``path`` whose items link to article pages on the origin (served too)."""
    linked = [
        {**{k: v for k, v in e.items() if k != "path"}, "link": origin.url(e["path"])}
        if "path" in e
        else e
        for e in entries
    ]
    origin.routes[path] = Route(
        body=rss("Test feed", linked, extra=extra),
        content_type="application/rss+xml",
        etag=etag,
        **route,
    )
    for entry in entries:
        if "path" in entry and entry["path"] not in origin.routes:
            origin.routes[entry["path"]] = Route(body=article_page(entry["title"]))


def publish(client: redis.Redis, *feeds: Feed) -> None:
    CatalogStore(client).apply(Catalog(feeds=feeds), owner="test", prune=True)


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


def cycle(client: redis.Redis, settings: Settings, clock: Clock, **kwargs: Any) -> list[Any]:
    """One run_once() of a fresh service object (as after a restart)."""
    kwargs.setdefault("name", "test-scheduler")

    async def go() -> list[Any]:
        async with SchedulerService(client, settings, clock=clock, **kwargs) as service:
            return await service.run_once()

    return run(go())


def queued_batches(client: redis.Redis) -> list[list[dict[str, Any]]]:
    queue = Queue(keys.ARTICLE_QUEUE, connection=client, serializer=JSONSerializer)
    jobs = queue.get_jobs()
    assert all(job.func_name == TASK for job in jobs)
    return [job.args[0] for job in jobs]


def queued_articles(client: redis.Redis) -> list[dict[str, Any]]:
    return [article for batch in queued_batches(client) for article in batch]


def with_jitter(delay: int, feed_id: str, jitter: float = 0.1) -> int:
    """``delay`` plus the feed's own stable jitter (see core.schedule)."""
    return delay + int(delay * jitter * jitter_fraction(feed_id))
