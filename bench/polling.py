"""`make bench` section `polling`: the real scheduler polling thousands of local feeds.

An aiohttp origin in its own process serves the feeds on 250 loopback addresses (127.0.0.x,
so the per-host politeness applies as with real publishers): by feed number, 85 % unchanged
(answering 304 to their ETag), 10 % changed (one new item on every request, its page fetched
by the scheduler), 3 % failing (500), 2 % slow (1.5 s per answer). A `SchedulerService` in this
process polls them against a Redis started here. Every feed is polled once first (first
polls take every item: not measured); then the schedule is spread evenly over the interval
and the scheduler runs for a window, during which this process's CPU time (every thread),
the polls by result, the Redis round trips (requests sent by redis-py, a pipeline or script
being one), the Redis commands (INFO commandstats) and each claim's lag behind its due time
are measured. The baseline, in the same run: a naive sequential loop, `feedparser.parse(url,
etag=...)` (urllib) per feed, on the same origin, its CPU time per poll.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser
import redis
import redis.asyncio.connection as async_connection
import redis.connection as sync_connection
from prometheus_client import REGISTRY

from newswatch import metrics
from newswatch.config import Settings
from newswatch.core.catalog import Catalog, Feed
from newswatch.embedded_redis import EmbeddedRedis, free_port
from newswatch.logs import setup_logging
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from scheduler.service import SchedulerService

HOSTS = 250
SLOW_SECONDS = 1.5
ITEMS = 3
KINDS = [("unchanged", 85), ("changed", 10), ("failing", 3), ("slow", 2)]
TEXT = "<p>" + "A full article carried by the feed itself, so no page is fetched. " * 20 + "</p>"


def kind_of(n: int, mix: str) -> str:
    if mix == "unchanged":
        return "unchanged"
    slot, low = n % 100, 0
    for kind, share in KINDS:
        if slot < low + share:
            return kind
        low += share
    return "unchanged"


# -- the origin (its own process: its CPU is not the scheduler's) -----------------------------


def _item(host: str, n: int, k: int, full: bool) -> str:
    link = f"http://{host}/a/{n}/{k}.html"
    content = f"<content:encoded><![CDATA[{TEXT}]]></content:encoded>" if full else ""
    return (f"<item><title>Feed {n} story {k}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{n}-{k}</guid>{content}'
            "<pubDate>Mon, 30 Nov 2026 06:00:00 GMT</pubDate></item>")  # fmt: skip


def _serve(port: int, mix: str, ready: Any) -> None:
    from aiohttp import web

    versions: dict[int, int] = {}

    async def feed(request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        kind = kind_of(n, mix)
        if kind == "failing":
            return web.Response(status=500, text="down")
        if kind == "slow":
            await asyncio.sleep(SLOW_SECONDS)
        version = versions.get(n, ITEMS)
        if kind == "changed":  # a new item on every request
            versions[n] = version = version + 1
        etag = f'"{n}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        items = "".join(
            _item(request.host, n, k, kind != "changed")
            for k in range(version, version - ITEMS, -1)
        )
        body = ('<?xml version="1.0"?><rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"<title>Feed {n}</title><link>http://{request.host}/</link>"
                f"<description>bench</description>{items}</channel></rss>")  # fmt: skip
        return web.Response(body=body.encode(), content_type="application/rss+xml",
                            headers={"ETag": etag})  # fmt: skip

    async def page(request: web.Request) -> web.StreamResponse:
        n, k = request.match_info["n"], request.match_info["k"]
        html = f"<html><head><title>Story {n}/{k}</title></head><body><article>{TEXT}</article>"
        return web.Response(text=html + "</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/f/{n}.xml", feed)
    app.router.add_get("/a/{n}/{k}.html", page)
    ready.set()
    web.run_app(app, host="0.0.0.0", port=port, print=None, access_log=None,
                handle_signals=True)  # fmt: skip


def feed_url(port: int, n: int) -> str:
    return f"http://127.0.0.{n % HOSTS + 1}:{port}/f/{n}.xml"


# -- measuring -----------------------------------------------------------------------------


class RoundTrips:
    """Requests redis-py sends (one per command, pipeline or script call), sync and async."""

    def __init__(self) -> None:
        self.count = 0
        for module in (sync_connection, async_connection):
            cls: Any = module.AbstractConnection
            self._wrap(cls, module is async_connection)

    def _wrap(self, cls: Any, is_async: bool) -> None:
        original = cls.send_packed_command
        counter = self

        if is_async:

            async def send_async(conn: Any, *args: Any, **kw: Any) -> Any:
                counter.count += 1
                return await original(conn, *args, **kw)

            cls.send_packed_command = send_async
        else:

            def send(conn: Any, *args: Any, **kw: Any) -> Any:
                counter.count += 1
                return original(conn, *args, **kw)

            cls.send_packed_command = send


class Lateness:
    """Every claim's lag, as the scheduler observes it (metrics.POLL_LATENESS_SECONDS)."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.recording = False
        histogram = metrics.POLL_LATENESS_SECONDS
        observe: Callable[[float], None] = histogram.observe

        def record(value: float, *args: Any, **kw: Any) -> None:
            if self.recording:
                self.values.append(value)
            observe(value, *args, **kw)

        histogram.observe = record  # type: ignore[method-assign]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def polls_by_result() -> dict[str, float]:
    return {
        result: REGISTRY.get_sample_value("newswatch_feed_polls_total", {"result": result}) or 0.0
        for result in ("ok", "not_modified", "unchanged", "error")
    }


def redis_commands(client: redis.Redis) -> Counter[str]:
    """Calls by command so far (commands run inside scripts included), INFO left out."""
    stats: dict[str, Any] = client.info("commandstats")
    calls = Counter({name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()})
    del calls["info"]
    return calls


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


@dataclass
class Result:
    name: str
    feeds: int
    interval: int
    seconds: float
    cpu: float
    polls: dict[str, float]
    round_trips: int
    commands: Counter[str]
    lags: list[float] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.polls.values())

    @property
    def unchanged(self) -> float:
        return self.polls["not_modified"] + self.polls["unchanged"]


# -- one scheduler run -----------------------------------------------------------------------


def settings_for(url: str) -> Settings:
    return Settings(
        redis_url=url,
        allow_private_networks=True,
        allowed_ports="1-65535",
        poll_interval_min=30,
        batch_linger=0.05,
    )


def publish(client: redis.Redis, port: int, count: int, interval: int) -> list[Feed]:
    feeds = [Feed(url=feed_url(port, n), interval=interval) for n in range(count)]
    CatalogStore(client).apply(Catalog(feeds=tuple(feeds)), owner="bench", prune=True)
    return feeds


def spread(client: redis.Redis, feeds: list[Feed], interval: int, start: float) -> None:
    """Every feed due once per interval, evenly (the steady state of a long-running scheduler)."""
    step = interval / len(feeds)
    client.zadd(keys.SCHEDULE, {f.id: start + n * step for n, f in enumerate(feeds)}, xx=True)
    client.delete(keys.LEASE_OWNERS)


async def scheduler_run(
    name: str, url: str, port: int, count: int, interval: int, window: float,
    trips: RoundTrips, late: Lateness,
) -> Result:  # fmt: skip
    client = redis.Redis.from_url(url)
    settings = settings_for(url)
    feeds = publish(client, port, count, interval)
    async with SchedulerService(client, settings, name="bench") as service:
        started = time.monotonic()
        await service.run_once(limit=count)  # every feed once: first polls take every item
        print(f"  {name}: first polls of {count} feeds in {time.monotonic() - started:.0f} s "
              "(not measured)", flush=True)  # fmt: skip
    spread(client, feeds, interval, time.time() + 1.0)
    stop = asyncio.Event()
    async with SchedulerService(client, settings, name="bench") as service:
        runner = asyncio.create_task(service.run(stop))
        await asyncio.sleep(1.0)
        polls0, cpu0, trips0 = polls_by_result(), cpu_seconds(), trips.count
        commands0 = redis_commands(client)
        late.values.clear()
        late.recording = True
        began = time.monotonic()
        await asyncio.sleep(window)
        late.recording = False
        cpu1, trips1, polls1 = cpu_seconds(), trips.count, polls_by_result()
        commands1 = redis_commands(client)
        elapsed = time.monotonic() - began
        stop.set()
        await runner
    client.close()
    polls = {k: polls1[k] - polls0[k] for k in polls0}
    commands1.subtract(commands0)
    return Result(name, count, interval, elapsed, cpu1 - cpu0, polls,
                  trips1 - trips0 - 2, +commands1, list(late.values))  # fmt: skip


def naive(port: int, count: int, *, conditional: bool) -> tuple[int, float, float]:
    """One feed after the other: urllib fetches it, feedparser parses what came. Plain: the
    whole feed every time; ``conditional``: with the ETag of the first pass (a 304 is not
    parsed). The first pass is not measured. Returns polls, CPU and wall seconds."""
    etags: dict[int, str] = {}
    for n in range(count):
        etags[n] = _naive_poll(port, n, None)
    cpu0, wall0 = cpu_seconds(), time.monotonic()
    for n in range(count):
        _naive_poll(port, n, etags[n] if conditional else None)
    return count, cpu_seconds() - cpu0, time.monotonic() - wall0


def _naive_poll(port: int, n: int, etag: str | None) -> str:
    request = urllib.request.Request(feed_url(port, n))
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            body, etag = response.read(), response.headers.get("ETag") or ""
    except urllib.error.HTTPError as exc:  # 304 and 500 alike
        return exc.headers.get("ETag") or etag or ""
    feedparser.parse(body)
    return etag


# -- the section -----------------------------------------------------------------------------


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument("--polling-feeds", type=int, default=2000, help="feeds (30 s interval)")
    parser.add_argument("--polling-window", type=float, default=45.0, help="seconds measured")
    parser.add_argument("--polling-large", type=int, default=10000,
                        help="feeds of the 5-minute run (0: skip it)")  # fmt: skip
    parser.add_argument("--polling-large-window", type=float, default=120.0)
    parser.add_argument("--polling-naive", type=int, default=300, help="feeds the naive loop polls")


def start_origin(mix: str) -> tuple[multiprocessing.Process, int]:
    port = free_port()
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=_serve, args=(port, mix, ready), daemon=True)
    process.start()
    if not ready.wait(30):
        sys.exit("the origin did not start")
    time.sleep(0.5)
    return process, port


def run(args: argparse.Namespace) -> None:
    os.environ.pop(metrics.MULTIPROC_ENV, None)
    log_file = Path(tempfile.gettempdir()) / "newswatch-bench-polling.log"
    setup_logging(log_format="json", stream=log_file.open("w"))  # as in production, off screen
    trips, late = RoundTrips(), Lateness()
    results: list[Result] = []
    naive_rates: dict[str, tuple[int, float, float]] = {}
    runs = [("all unchanged", "unchanged", args.polling_feeds, 30, args.polling_window),
            ("mixed", "mixed", args.polling_feeds, 30, args.polling_window)]  # fmt: skip
    if args.polling_large:
        runs.append(("mixed, 5 min", "mixed", args.polling_large, 300, args.polling_large_window))
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-polling-") as tmp:
        for name, mix, count, interval, window in runs:
            server = EmbeddedRedis(Path(tmp) / name.replace(" ", "-").replace(",", ""),
                                   persist=False).start()  # fmt: skip
            origin, port = start_origin(mix)
            try:
                results.append(asyncio.run(scheduler_run(
                    name, server.url, port, count, interval, window, trips, late)))  # fmt: skip
                if mix not in naive_rates:
                    count_naive = min(args.polling_naive, count)
                    naive_rates[mix] = naive(port, count_naive, conditional=False)
                    naive_rates[mix + ", conditional GET"] = naive(
                        port, count_naive, conditional=True
                    )
            finally:
                origin.terminate()
                origin.join(10)
                server.stop()
    report(results, naive_rates)


def report(results: list[Result], naive_rates: dict[str, tuple[int, float, float]]) -> None:
    print("| run | feeds / interval | polls (unchanged) | polls/s | polls per CPU-s | "
          "round trips / poll | commands / poll | lag p50 / p99 / max |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        lags = r.lags or [0.0]
        print(f"| {r.name} | {r.feeds:,} / {r.interval} s | {r.total:,.0f} ({r.unchanged:,.0f}) | "
              f"{r.total / r.seconds:.1f} | {r.total / r.cpu:,.0f} | "
              f"{r.round_trips / r.total:.2f} | {r.commands.total() / r.total:.1f} | "
              f"{quantile(lags, 0.5):.2f} / {quantile(lags, 0.99):.2f} / "
              f"{max(lags):.2f} s |")  # fmt: skip
    for r in results:
        top = ", ".join(f"{c} {n / r.total:.2f}" for c, n in r.commands.most_common(8))
        print(f"{r.name}: commands per poll (scripts' own included): {top}")
    print("naive loop (urllib then feedparser.parse, one feed after the other), second pass:")
    for mix, (polls, cpu, wall) in naive_rates.items():
        print(f"  {mix}: {polls} polls, {polls / cpu:,.0f} per CPU-s, {polls / wall:,.1f} per s")
    for r in results:
        mix = "unchanged" if r.name == "all unchanged" else "mixed"
        polls, cpu, _ = naive_rates[mix]
        ratio = (r.total / r.cpu) / (polls / cpu)
        print(
            f"{r.name}: scheduler polls per CPU-s {ratio:.1f}x the naive loop's "
            f"({'unchanged' if mix == 'unchanged' else 'mixed'} feeds)"
        )
    unchanged = next((r for r in results if r.name == "all unchanged"), None)
    if unchanged is not None:
        print(f"unchanged polls per scheduler CPU-s: {unchanged.unchanged / unchanged.cpu:,.0f} "
              f"(goal >= 1,000); round trips per unchanged poll: "
              f"{unchanged.round_trips / unchanged.total:.2f} (goal <= 2)")  # fmt: skip
    large = next((r for r in results if r.name == "mixed, 5 min"), None)
    if large is not None and large.lags:
        print(f"lag at {large.feeds:,} feeds / 5 min: p99 {quantile(large.lags, 0.99):.2f} s "
              f"(goal < 2 s), mean {statistics.fmean(large.lags):.2f} s")  # fmt: skip
