"""The scheduler service: claim due feeds, poll them concurrently, keep their leases alive,
follow configuration changes, and shut down cleanly. Every Redis call of the event loop is
asynchronous (``redis.asyncio``); rq's enqueue runs on a thread of its own.

Any number of services may run against one Redis: feeds are claimed with a short lease
(:meth:`PollStore.claim`, default 30 s) renewed while the poll runs, so none is polled twice
at once; a service that dies leaves its feeds to the others when the lease runs out, and a
service restarted under the same name (``scheduler_name``, default the host name) takes back
at once what it held.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import socket
import time
from types import TracebackType

import redis
import redis.asyncio as aioredis
from aiohttp.abc import AbstractResolver

from newswatch import metrics
from newswatch.catalog_guard import CatalogGuard
from newswatch.config import Settings
from newswatch.core.catalog import Feed
from newswatch.core.errors import ConfigError
from newswatch.liveness import Guard, Heartbeat
from newswatch.logs import get_logger
from newswatch.net import Fetcher
from newswatch.net.fetcher import FetchPolicy
from newswatch.reaper import Reaper
from newswatch.store.catalog import CatalogStore
from newswatch.store.connection import connect, connect_async
from newswatch.store.politeness import RedisHostGate
from newswatch.store.polling import Claim, PollStore
from scheduler.batcher import JobBatcher
from scheduler.poller import Clock, FeedPoller, PollReport

log = get_logger(__name__)

TICK = 0.25  # seconds between looks at the schedule while nothing else happens
MAX_CONCURRENT_POLLS = 32
SHUTDOWN_GRACE = 5.0  # seconds in-flight polls get to finish on shutdown
LAG_PROBE = 0.25  # seconds between event-loop lag probes
CONFIG_CHECK = 0.25  # seconds between looks at the catalogue's version while claiming


class SchedulerNameTaken(ConfigError):
    """Another live scheduler process on this host runs under the same name."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SchedulerService:
    """Use as ``async with SchedulerService(client, settings) as service:`` then
    ``await service.run(stop_event)`` (production) or ``await service.run_once()`` (tests,
    one cycle over everything due now). ``client`` is the synchronous client rq and the
    configuration reader use (on threads); the loop's own client is made from ``redis_url``
    (default ``settings.redis_url``)."""

    def __init__(
        self,
        client: redis.Redis,
        settings: Settings,
        *,
        redis_url: str | None = None,
        resolver: AbstractResolver | None = None,
        clock: Clock = time.time,
        lease: float | None = None,
        tick: float = TICK,
        max_concurrent_polls: int = MAX_CONCURRENT_POLLS,
        shutdown_grace: float = SHUTDOWN_GRACE,
        max_items_per_poll: int | None = None,
        name: str | None = None,
        guards: list[Guard] | None = None,
        catalog_guard: CatalogGuard | None = None,
    ):
        url = redis_url or settings.redis_url
        if not url:
            raise ValueError("SchedulerService needs a Redis URL (settings.redis_url)")
        self.client = client
        self.catalog = CatalogStore(client)
        self.settings = settings
        self.url = url
        self.clock = clock
        self.lease = lease if lease is not None else settings.scheduler_lease
        self.tick = tick
        self.max_concurrent_polls = max_concurrent_polls
        self.shutdown_grace = shutdown_grace
        self.name = name or settings.scheduler_name or socket.gethostname()
        self.holder = f"{socket.gethostname()} {os.getpid()}"
        self._resolver = resolver
        self._max_items = max_items_per_poll
        self._aclient: aioredis.Redis | None = None
        self._store: PollStore | None = None
        self._gate: RedisHostGate | None = None
        self._fetcher: Fetcher | None = None
        self._batcher: JobBatcher | None = None
        self._poller: FeedPoller | None = None
        self._feeds: dict[str, Feed] = {}
        self._config_stamp: tuple[str, int] | None = None  # (generation, feed version)
        self._config_current = False  # whether _feeds is the published configuration
        self._unreadable_stamp: tuple[str, int] | None = None
        self._config_checked = -math.inf  # loop time of the last look at the version
        self.taken_back = 0  # feeds this instance took back from its previous life
        self._guards = list(guards or [])
        self._catalog_guard = catalog_guard
        self._heartbeat: Heartbeat | None = None

    async def __aenter__(self) -> SchedulerService:
        self._aclient = connect_async(self.url)
        self._store = PollStore(self._aclient, owner=self.name)
        self._gate = RedisHostGate(
            self._aclient,
            per_host=self.settings.fetch_per_host,
            gap=self.settings.fetch_host_gap,
            slot_ttl=self.settings.fetch_timeout + 10,
        )
        fetcher = Fetcher(
            FetchPolicy.from_settings(self.settings), resolver=self._resolver, gate=self._gate
        )
        self._fetcher = await fetcher.__aenter__()
        self._batcher = JobBatcher(
            self.client,
            batch_size=self.settings.batch_size,
            linger=self.settings.batch_linger,
            page_ttl=self.settings.page_ttl,
        )
        extra = {} if self._max_items is None else {"max_items_per_poll": self._max_items}
        self._poller = FeedPoller(
            self._store, self._fetcher, self._batcher, self.settings, clock=self.clock, **extra
        )
        beat_client = connect(self.url, socket_timeout=5)
        reaper = Reaper(beat_client, reap_after=self.settings.reap_after, owner=self.holder)
        # without a configuration file, a Redis that lost its data is reported, not repaired
        catalog_guard = self._catalog_guard or CatalogGuard(beat_client)
        self._heartbeat = Heartbeat(
            beat_client,
            "scheduler",
            self.name,
            reap_after=self.settings.reap_after,
            guards=[catalog_guard, reaper.reap, *self._guards],
            problem=catalog_guard.problem,
        )
        try:
            await self._take_back()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
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
                self._batcher.close()
            if self._store is not None:
                with contextlib.suppress(redis.RedisError):
                    await self._store.unregister(self.holder)
            if self._heartbeat is not None:
                await asyncio.to_thread(self._heartbeat.stop)
                self._heartbeat.store.client.close()
        finally:
            if self._poller is not None:
                self._poller.close()
            if self._fetcher is not None:
                await self._fetcher.aclose()
            if self._gate is not None:
                await self._gate.close()
            if self._aclient is not None:
                await self._aclient.aclose()
            self._fetcher = self._batcher = self._poller = None
            self._store = self._gate = self._aclient = None
            self._heartbeat = None

    @property
    def poller(self) -> FeedPoller:
        if self._poller is None:
            raise RuntimeError("SchedulerService is not started: use `async with`")
        return self._poller

    @property
    def store(self) -> PollStore:
        if self._store is None:
            raise RuntimeError("SchedulerService is not started: use `async with`")
        return self._store

    @property
    def feeds(self) -> dict[str, Feed]:
        """The configured feeds by id, as last loaded from Redis."""
        return dict(self._feeds)

    # -- identity: take back what we held before a restart ------------------------------------

    async def _take_back(self) -> None:
        previous = await self.store.register(self.holder)
        if previous is not None and previous != self.holder:
            host, _, pid = previous.partition(" ")
            if host == socket.gethostname() and pid.isdigit() and _pid_alive(int(pid)):
                await self.store.register(previous)  # it is theirs: put it back
                raise SchedulerNameTaken(
                    [
                        f"another scheduler named {self.name!r} runs on this host (pid {pid}): "
                        "give each scheduler its own NEWSWATCH_SCHEDULER_NAME"
                    ]
                )
        self.taken_back = await self.store.take_back(self.clock())
        if self.taken_back:
            log.info("took back", scheduler=self.name, feeds=self.taken_back)

    # -- configuration ---------------------------------------------------------------------

    async def reload_feeds(self, *, force: bool = False) -> bool:
        """Load the feeds again if they changed in the catalogue (its feed version moved);
        returns whether it did. Feeds missing from the schedule are made due now. The
        catalogue is read with the synchronous store on a thread, off the loop."""
        self._config_checked = asyncio.get_running_loop().time()
        stamp = await asyncio.to_thread(self.catalog.stamp, "feed")
        version = stamp[1]
        if not force and stamp == self._config_stamp:
            self._config_current = True
            return False
        try:
            feeds = await asyncio.to_thread(self.catalog.feeds)
        except ConfigError as exc:
            # e.g. written by a newer release: claim nothing until it can be read (a claimed
            # feed we do not know would be taken off the schedule), say so once per version
            self._config_current = False
            if stamp != self._unreadable_stamp:
                self._unreadable_stamp = stamp
                log.error("config unreadable, not polling", version=version, error=str(exc))
            return False
        self._feeds = {feed.id: feed for feed in feeds}
        self._config_stamp = stamp
        self._config_current = True
        now = self.clock()
        added = await self.store.ensure_scheduled(dict.fromkeys(self._feeds, now))
        log.info("config loaded", version=version, feeds=len(feeds), newly_due=added)
        return True

    # -- one feed --------------------------------------------------------------------------

    async def poll_claimed(self, claim: Claim) -> PollReport | None:
        """Poll a feed we hold the lease of. Never raises (except cancellation): an
        unexpected error is recorded like a failed poll; a Redis error hands the feed back,
        due after its usual interval (``min_backoff`` while it has none)."""
        feed = self._feeds.get(claim.feed_id)
        if feed is None:
            await self.reload_feeds()
            feed = self._feeds.get(claim.feed_id)
        if feed is None:
            log.info("feed dropped", feed_id=claim.feed_id, reason="no longer configured")
            await self.store.unschedule(claim.feed_id)
            return None
        try:
            return await self.poller.poll(feed, claim)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("poll crashed", feed_id=feed.id, feed=feed.display_name, error=repr(exc))
            with contextlib.suppress(redis.RedisError):
                if not isinstance(exc, redis.RedisError):
                    return await self.poller.record_crash(feed, claim, exc)
                # Redis failed, not the feed: no backoff of its own, which added up over Redis
                # restarts (issue 11's soak saw 152.7 s between polls of a 30 s feed: two
                # polls in a row hit by a restart, each handing the feed back for 60 s)
                retry = claim.state.interval or self.settings.min_backoff
                await self.store.release(claim.feed_id, self.clock() + retry)
            return None

    # -- one cycle (tests, tools) ----------------------------------------------------------

    async def run_once(self, limit: int = 10_000) -> list[PollReport]:
        """Poll every feed due now (up to ``limit``), wait for all of them, flush the
        batcher. Returns the reports of the feeds polled."""
        await self.reload_feeds()
        if not self._config_current:
            return []
        claims = await self.store.claim(self.clock(), self.lease, limit)
        gate = asyncio.Semaphore(self.max_concurrent_polls)

        async def bounded(claim: Claim) -> PollReport | None:
            async with gate:
                return await self.poll_claimed(claim)

        reports = await asyncio.gather(*(bounded(claim) for claim in claims))
        if self._batcher is not None:
            await self._batcher.flush()
        return [report for report in reports if report is not None]

    # -- the service loop ------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Poll feeds as they fall due until ``stop`` is set, then shut down cleanly: no new
        claims, in-flight polls get ``shutdown_grace`` seconds, the rest are abandoned and
        handed back (due now, for another scheduler or the next start)."""
        inflight: dict[str, asyncio.Task[PollReport | None]] = {}
        # the feed parsers import their modules while the first feeds are claimed and fetched
        self.poller.spawn_parsers()
        stop_waiter = asyncio.create_task(stop.wait())
        # the feed census (health, silence, overdue) is read at scrape time by the API
        helpers = [asyncio.create_task(self._probe_lag()), asyncio.create_task(self._beat())]
        last_renewed = self.clock()
        log.info(
            "scheduler started", name=self.name, lease=self.lease,
            max_polls=self.max_concurrent_polls,
        )  # fmt: skip
        try:
            while not stop.is_set():
                saturated = False
                try:
                    saturated = await self._claim_into(inflight)
                    now = self.clock()
                    if inflight and now - last_renewed >= self.lease / 3:
                        await self.store.renew(inflight, now + self.lease)
                        last_renewed = now
                except redis.RedisError as exc:
                    log.error("redis error", error=str(exc), retry_in=self.tick)
                # full: claim again as soon as a poll ends; otherwise look again after a tick
                waiting = [stop_waiter, *inflight.values()] if saturated else [stop_waiter]
                await asyncio.wait(waiting, timeout=self.tick, return_when=asyncio.FIRST_COMPLETED)
                for feed_id in [f for f, task in inflight.items() if task.done()]:
                    inflight.pop(feed_id)
        finally:
            stop_waiter.cancel()
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            await self._shutdown(inflight)

    async def _claim_into(self, inflight: dict[str, asyncio.Task[PollReport | None]]) -> bool:
        """Claim as many due feeds as there are free poll slots; True if all were filled.
        The catalogue's version is looked at every :data:`CONFIG_CHECK` seconds, not on every
        claim (a round trip and a thread hop each; under load a claim follows every few
        polls); a feed claimed but not known yet makes :meth:`poll_claimed` look at once."""
        if asyncio.get_running_loop().time() - self._config_checked >= CONFIG_CHECK:
            await self.reload_feeds()
        free = self.max_concurrent_polls - len(inflight) if self._config_current else 0
        if free <= 0:
            return bool(inflight)
        now = self.clock()
        claims = await self.store.claim(now, self.lease, free)
        for claim in claims:
            metrics.POLL_LATENESS_SECONDS.observe(max(0.0, now - claim.due_at))
            inflight[claim.feed_id] = asyncio.create_task(
                self.poll_claimed(claim), name=f"poll-{claim.feed_id}"
            )
        return len(claims) == free

    async def _shutdown(self, inflight: dict[str, asyncio.Task[PollReport | None]]) -> None:
        if inflight:
            log.info("scheduler stopping", in_flight=len(inflight))
            _, pending = await asyncio.wait(inflight.values(), timeout=self.shutdown_grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            abandoned = [feed_id for feed_id, task in inflight.items() if task in pending]
            now = self.clock()
            for feed_id in abandoned:
                with contextlib.suppress(redis.RedisError):
                    await self.store.release(feed_id, now)
            log.info("scheduler stopped", abandoned=len(abandoned))
        if self._batcher is not None:
            with contextlib.suppress(redis.RedisError):
                await self._batcher.flush()

    # -- liveness --------------------------------------------------------------------------

    async def _beat(self) -> None:
        """The heartbeat, the reaper and the guards, on a thread each beat. A task of the
        loop: a loop that freezes stops the heartbeat, and /healthz shows it."""
        heartbeat = self._heartbeat
        if heartbeat is None:
            return
        while True:
            await asyncio.to_thread(heartbeat.beat_once)
            await asyncio.sleep(heartbeat.interval)

    # -- metrics helpers -------------------------------------------------------------------

    async def _probe_lag(self) -> None:
        """How late the loop wakes a timer: anything blocking the loop shows up here."""
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(LAG_PROBE)
            metrics.LOOP_LAG_SECONDS.observe(max(0.0, loop.time() - asked - LAG_PROBE))
