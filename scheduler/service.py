"""The scheduler service: claim due feeds, poll them concurrently, keep their leases alive,
follow configuration changes, and shut down cleanly.

Any number of services may run against one Redis: feeds are claimed with a lease
(:meth:`FeedStateStore.claim_due`), so none is polled twice at once, and a service that dies
leaves its feeds to the others when the lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from types import TracebackType
from typing import Any

import httpx
import redis

from newswatch import metrics
from newswatch.config import Settings
from newswatch.core.catalog import Feed
from newswatch.core.errors import ConfigError
from newswatch.net import Fetcher
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from newswatch.store.feeds import FeedStateStore
from scheduler.batcher import JobBatcher
from scheduler.logfmt import kv
from scheduler.poller import Clock, FeedPoller, PollReport

log = logging.getLogger("newswatch.scheduler")

LEASE = 120.0  # seconds a claimed feed stays ours without renewal
TICK = 1.0  # seconds between looks at the schedule
MAX_CONCURRENT_POLLS = 32
SHUTDOWN_GRACE = 5.0  # seconds in-flight polls get to finish on shutdown


class SchedulerService:
    """Use as ``async with SchedulerService(client, settings) as service:`` then
    ``await service.run(stop_event)`` (production) or ``await service.run_once()`` (tests,
    one cycle over everything due now)."""

    def __init__(
        self,
        client: redis.Redis,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = time.time,
        lease: float = LEASE,
        tick: float = TICK,
        max_concurrent_polls: int = MAX_CONCURRENT_POLLS,
        shutdown_grace: float = SHUTDOWN_GRACE,
        max_items_per_poll: int | None = None,
    ):
        self.client = client
        self.settings = settings
        self.store = FeedStateStore(client)
        self.catalog = CatalogStore(client)
        self.clock = clock
        self.lease = lease
        self.tick = tick
        self.max_concurrent_polls = max_concurrent_polls
        self.shutdown_grace = shutdown_grace
        self._transport = transport
        self._max_items = max_items_per_poll
        self._fetcher: Fetcher | None = None
        self._batcher: JobBatcher | None = None
        self._poller: FeedPoller | None = None
        self._feeds: dict[str, Feed] = {}
        self._config_version: int | None = None
        self._config_current = False  # whether _feeds is the published configuration
        self._unreadable_version: int | None = None

    async def __aenter__(self) -> SchedulerService:
        fetcher = Fetcher(self.settings, transport=self._transport)
        self._fetcher = await fetcher.__aenter__()
        self._batcher = JobBatcher(
            self.client, batch_size=self.settings.batch_size, linger=self.settings.batch_linger
        )
        extra: dict[str, Any] = {}
        if self._max_items is not None:
            extra["max_items_per_poll"] = self._max_items
        self._poller = FeedPoller(
            self.client, self._fetcher, self._batcher, self.settings, clock=self.clock, **extra
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._batcher is not None:
                with contextlib.suppress(redis.RedisError):
                    await self._batcher.flush()
        finally:
            if self._poller is not None:
                self._poller.close()
            if self._fetcher is not None:
                await self._fetcher.__aexit__(exc_type, exc, tb)
            self._fetcher = self._batcher = self._poller = None

    @property
    def poller(self) -> FeedPoller:
        if self._poller is None:
            raise RuntimeError("SchedulerService is not started: use `async with`")
        return self._poller

    @property
    def feeds(self) -> dict[str, Feed]:
        """The configured feeds by id, as last loaded from Redis."""
        return dict(self._feeds)

    # -- configuration ---------------------------------------------------------------------

    def reload_feeds(self, *, force: bool = False) -> bool:
        """Load the feeds again if they changed in the catalogue (its feed version moved);
        returns whether it did. Feeds missing from the schedule are made due now."""
        version = self.catalog.version("feed")
        if not force and version == self._config_version:
            self._config_current = True
            return False
        try:
            feeds = self.catalog.feeds()
        except ConfigError as exc:
            # e.g. written by a newer release: claim nothing until it can be read (a claimed
            # feed we do not know would be taken off the schedule), say so once per version
            self._config_current = False
            if version != self._unreadable_version:
                self._unreadable_version = version
                log.error("config unreadable, not polling %s", kv(version=version, error=str(exc)))
            return False
        self._feeds = {feed.id: feed for feed in feeds}
        self._config_version = version
        self._config_current = True
        added = self.store.ensure_scheduled(self._feeds, self.clock())
        log.info("config loaded %s", kv(version=version, feeds=len(feeds), newly_due=added))
        return True

    # -- one feed --------------------------------------------------------------------------

    async def poll_claimed(self, feed_id: str) -> PollReport | None:
        """Poll a feed we hold the lease of. Never raises (except cancellation): an
        unexpected error is logged and the feed is retried after ``min_backoff``."""
        feed = self._feeds.get(feed_id)
        if feed is None:
            if self.client.hexists(keys.FEEDS, feed_id):
                # configured in a version published since our last reload: hand it back
                self.store.reschedule(feed_id, self.clock())
                return None
            log.info("feed dropped %s", kv(feed_id=feed_id, why="no longer configured"))
            self.store.unschedule(feed_id)
            return None
        try:
            return await self.poller.poll(feed)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("poll crashed %s", kv(feed=feed.display_name, error=repr(exc)))
            if isinstance(exc, redis.RedisError):  # nothing can be recorded now; try again soon
                with contextlib.suppress(redis.RedisError):
                    self.store.reschedule(feed_id, self.clock() + self.settings.min_backoff)
                return None
            try:
                self.poller.record_crash(feed, exc)
            except redis.RedisError:
                with contextlib.suppress(redis.RedisError):
                    self.store.reschedule(feed_id, self.clock() + self.settings.min_backoff)
            return None

    # -- one cycle (tests, tools) ----------------------------------------------------------

    async def run_once(self, limit: int = 10_000) -> list[PollReport]:
        """Poll every feed due now (up to ``limit``), wait for all of them, flush the
        batcher. Returns the reports of the feeds polled."""
        self.reload_feeds()
        if not self._config_current:
            return []
        claimed = self.store.claim_due(self.clock(), self.lease, limit)
        gate = asyncio.Semaphore(self.max_concurrent_polls)

        async def bounded(feed_id: str) -> PollReport | None:
            async with gate:
                return await self.poll_claimed(feed_id)

        reports = await asyncio.gather(*(bounded(feed_id) for feed_id in claimed))
        if self._batcher is not None:
            await self._batcher.flush()
        return [report for report in reports if report is not None]

    # -- the service loop ------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Poll feeds as they fall due until ``stop`` is set, then shut down cleanly: no new
        claims, in-flight polls get ``shutdown_grace`` seconds, the rest are abandoned and
        their leases released (due now, for another scheduler or the next start)."""
        inflight: dict[str, asyncio.Task[PollReport | None]] = {}
        stop_waiter = asyncio.create_task(stop.wait())
        last_extended = self.clock()
        log.info("scheduler started %s", kv(lease=self.lease, max_polls=self.max_concurrent_polls))
        try:
            while not stop.is_set():
                try:
                    self.reload_feeds()
                    now = self.clock()
                    free = self.max_concurrent_polls - len(inflight)
                    if not self._config_current:
                        free = 0
                    for feed_id in self.store.claim_due(now, self.lease, free):
                        inflight[feed_id] = asyncio.create_task(
                            self.poll_claimed(feed_id), name=f"poll-{feed_id}"
                        )
                    if inflight and now - last_extended >= self.lease / 4:
                        self.store.extend_leases(inflight, now + self.lease)
                        last_extended = now
                    metrics.QUEUE_DEPTH.set(self.poller.batcher.queue.count)
                except redis.RedisError as exc:
                    log.error("redis error %s", kv(error=str(exc), retry_in=self.tick))
                await asyncio.wait(
                    [stop_waiter, *inflight.values()],
                    timeout=self.tick,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for feed_id in [f for f, task in inflight.items() if task.done()]:
                    inflight.pop(feed_id)
        finally:
            stop_waiter.cancel()
            await self._shutdown(inflight)

    async def _shutdown(self, inflight: dict[str, asyncio.Task[PollReport | None]]) -> None:
        if inflight:
            log.info("scheduler stopping %s", kv(in_flight=len(inflight)))
            _, pending = await asyncio.wait(inflight.values(), timeout=self.shutdown_grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            abandoned = [feed_id for feed_id, task in inflight.items() if task in pending]
            now = self.clock()
            for feed_id in abandoned:
                with contextlib.suppress(redis.RedisError):
                    self.store.reschedule(feed_id, now)
            log.info("scheduler stopped %s", kv(abandoned=len(abandoned)))
        if self._batcher is not None:
            with contextlib.suppress(redis.RedisError):
                await self._batcher.flush()
