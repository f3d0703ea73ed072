"""`make bench` section `polling`: the real scheduler polling thousands of local feeds.

An aiohttp origin in its own process serves the feeds on 250 loopback addresses (127.0.0.x,
so the per-host politeness applies as with real publishers): by feed number, 85 % unchanged
(answering 304 to their ETag), 10 % changed (one new item on every request, its page fetched
by the scheduler), 3 % failing (500), 2 % slow (1.5 s per answer). The bodies are real feeds
captured from publishers (``feeds/`` of the shared corpora, NEWSWATCH_CORPORA: the captures
with at least 5 entries, up to 1 MB; feed n serves capture n mod their number), a changed
feed with its new item inserted before the first.

A ``SchedulerService`` in this process polls them against a Redis started here. Every feed is
polled once first (not measured; to keep that short the origin serves the feeds that do not
change a small body under the same ETag, and each feed's seen set is seeded with the items of
its real body, so the measured polls see what a scheduler that had polled these feeds before
sees: 304s, and one new item per changed feed). Then the schedule is spread evenly over the
interval and the scheduler runs for a window, during which the CPU time of this process (every
thread) and of the scheduler's feed-parser processes, the polls by result, the Redis round
trips (requests sent by redis-py, a pipeline or script being one), the Redis commands (INFO
commandstats) and each claim's lag behind its due time are measured.

The baseline, in the same run and on the same origin: a naive sequential loop in a process of
its own, one feed after the other, ``urllib.request.urlopen(url).read()`` then
``feedparser.parse(body)``, its CPU time (getrusage of its process) per poll; a second pass
sending the ETags of the first (a 304 is not parsed) is shown beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import csv
import multiprocessing
import os
import re
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


# -- the bodies: real captured feeds -------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))
MIN_ENTRIES = 5  # fewer: a test fixture cut down to an entry or two, not a feed as served
MAX_BYTES = 1_000_000  # more: a podcast's archive of every episode, not a news feed
_FIRST_ITEM = re.compile(rb"<(item|entry)[\s>]")


@dataclass(frozen=True)
class Body:
    """A captured feed, split where a new item goes (before its first item or entry)."""

    name: str
    raw: bytes
    cut: int
    dialect: str  # rss, rdf (RSS 1.0) or atom
    keys: tuple[str, ...]  # its items' keys, as the scheduler takes them

    def with_item(self, host: str, n: int, k: int) -> bytes:
        link = f"http://{host}/a/{n}/{k}.html"
        title, when = f"Feed {n} story {k}", "Mon, 30 Nov 2026 06:00:00 GMT"
        if self.dialect == "atom":
            item = (f"<entry><title>{title}</title><link href=\"{link}\"/>"
                    f"<id>urn:bench:{n}-{k}</id><updated>2026-11-30T06:00:00Z</updated>"
                    "<summary>A new story.</summary></entry>")  # fmt: skip
        else:
            about = f' rdf:about="{link}"' if self.dialect == "rdf" else ""
            item = (f"<item{about}><title>{title}</title><link>{link}</link>"
                    f'<guid isPermaLink="false">bench-{n}-{k}</guid><pubDate>{when}</pubDate>'
                    "<description>A new story.</description></item>")  # fmt: skip
        return self.raw[: self.cut] + item.encode() + self.raw[self.cut :]


def real_bodies(corpora: Path) -> list[Body]:
    """The captured feeds of the corpus usable as served feeds, each checked: its items'
    keys do not depend on the URL it is served from (they are seeded per feed), and a new
    item inserted in it is read as its first."""
    from newswatch.core.feed import parse_feed

    bodies: list[Body] = []
    known: set[bytes] = set()  # the captures read (one of each content)
    with (corpora / "feeds" / "manifest.tsv").open(encoding="utf-8") as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    for row in rows:
        if row["real_capture"] != "1" or int(row["n_entries"]) < MIN_ENTRIES:
            continue
        raw = (corpora / "feeds" / row["path"]).read_bytes()
        if len(raw) > MAX_BYTES or raw in known:
            continue
        known.add(raw)
        found = _FIRST_ITEM.search(raw)
        if found is None:
            continue
        dialect = "atom" if found.group(1) == b"entry" else "rdf" if b"<rdf:RDF" in raw else "rss"
        keys = [i.key for i in parse_feed(raw, url="http://127.0.0.1:1/f/0.xml").items]
        again = [i.key for i in parse_feed(raw, url="http://127.0.0.2:2/f/1.xml").items]
        body = Body(row["path"], raw, found.start(), dialect, tuple(keys))
        changed = parse_feed(body.with_item("127.0.0.1:1", 0, 9), url="http://127.0.0.1:1/f/0.xml")
        if keys and keys == again and [i.key for i in changed.items[1:]] == keys:
            bodies.append(body)
    print(f"bodies: {len(bodies)} of the {len(known)} real captures with >= {MIN_ENTRIES} entries "
          "(the others' item keys depend on the URL they are served from)")  # fmt: skip
    return bodies


# -- the origin (its own process: its CPU is not the scheduler's) -----------------------------


def _item(host: str, n: int, k: int, full: bool) -> str:
    link = f"http://{host}/a/{n}/{k}.html"
    content = f"<content:encoded><![CDATA[{TEXT}]]></content:encoded>" if full else ""
    return (f"<item><title>Feed {n} story {k}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{n}-{k}</guid>{content}'
            "<pubDate>Mon, 30 Nov 2026 06:00:00 GMT</pubDate></item>")  # fmt: skip


def _small(host: str, n: int, version: int, kind: str) -> bytes:
    """The first pass's body (see the module's docstring): a few short items."""
    items = "".join(
        _item(host, n, k, kind != "changed") for k in range(version, version - ITEMS, -1)
    )
    return ('<?xml version="1.0"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Feed {n}</title><link>http://{host}/</link>"
            f"<description>bench</description>{items}</channel></rss>").encode()  # fmt: skip


def _serve(port: int, mix: str, bodies: list[Body], ready: Any) -> None:
    from aiohttp import web

    versions: dict[int, int] = {}
    real = [False]  # the first pass is served small bodies (see the module's docstring)

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
        if kind == "changed":
            body = bodies[n % len(bodies)].with_item(request.host, n, version)
        elif not real[0]:
            body = _small(request.host, n, version, kind)
        else:
            body = bodies[n % len(bodies)].raw
        return web.Response(body=body, content_type="application/xml", headers={"ETag": etag})

    async def page(request: web.Request) -> web.StreamResponse:
        n, k = request.match_info["n"], request.match_info["k"]
        html = f"<html><head><title>Story {n}/{k}</title></head><body><article>{TEXT}</article>"
        return web.Response(text=html + "</body></html>", content_type="text/html")

    async def serve_real(request: web.Request) -> web.StreamResponse:
        real[0] = True
        return web.Response(text="real bodies from now on")

    app = web.Application()
    app.router.add_get("/f/{n}.xml", feed)
    app.router.add_get("/a/{n}/{k}.html", page)
    app.router.add_post("/real", serve_real)
    ready.set()
    web.run_app(app, host="0.0.0.0", port=port, print=None, access_log=None,
                handle_signals=True)  # fmt: skip


def serve_real_bodies(port: int) -> None:
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/real", method="POST"),
                           timeout=10).read()  # fmt: skip


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


def parser_cpu() -> dict[int, float]:
    """CPU seconds so far of each live feed-parser process of this one (the scheduler's
    sandboxes, ``newswatch.sandbox``), by pid; plus, under 0, those already ended."""
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == os.getpid() and b"newswatch.sandbox" in command:
            out[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    out[-1] = ended.ru_utime + ended.ru_stime  # recycled parsers (the origin and Redis end later)
    return out


def parser_cpu_since(before: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in parser_cpu().items())


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
    cpu: float  # this process's and its feed parsers'
    parser_cpu: float  # of which the feed parsers'
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


def seed_seen(client: redis.Redis, feeds: list[Feed], bodies: list[Body]) -> None:
    """Each feed's seen set holds the items of its real body and of the first pass's small
    one (as after earlier polls), so the first pass takes no item but a changed feed's new."""
    now = time.time()
    for start in range(0, len(feeds), 200):
        pipe = client.pipeline(transaction=False)
        for n, feed in enumerate(feeds[start : start + 200], start):
            small = [f"{n}-{k}" for k in range(ITEMS, 0, -1)]  # _item's GUIDs
            seen = [*bodies[n % len(bodies)].keys, *small]
            pipe.zadd(keys.feed_seen(feed.id), dict.fromkeys(seen, now))
        pipe.execute()


def spread(client: redis.Redis, feeds: list[Feed], interval: int, start: float) -> None:
    """Every feed due once per interval, evenly (the steady state of a long-running scheduler)."""
    step = interval / len(feeds)
    client.zadd(keys.SCHEDULE, {f.id: start + n * step for n, f in enumerate(feeds)}, xx=True)
    client.delete(keys.LEASE_OWNERS)


async def scheduler_run(
    name: str, url: str, port: int, count: int, interval: int, window: float,
    trips: RoundTrips, late: Lateness, bodies: list[Body],
) -> Result:  # fmt: skip
    client = redis.Redis.from_url(url)
    settings = settings_for(url)
    feeds = publish(client, port, count, interval)
    seed_seen(client, feeds, bodies)
    async with SchedulerService(client, settings, name="bench") as service:
        started = time.monotonic()
        await service.run_once(limit=count)  # every feed once, not measured
        print(f"  {name}: first polls of {count} feeds in {time.monotonic() - started:.0f} s "
              "(not measured)", flush=True)  # fmt: skip
    await asyncio.to_thread(serve_real_bodies, port)
    spread(client, feeds, interval, time.time() + 1.0)
    stop = asyncio.Event()
    async with SchedulerService(client, settings, name="bench") as service:
        runner = asyncio.create_task(service.run(stop))
        await asyncio.sleep(1.0)
        polls0, cpu0, trips0 = polls_by_result(), cpu_seconds(), trips.count
        parsers0 = parser_cpu()
        commands0 = redis_commands(client)
        late.values.clear()
        late.recording = True
        began = time.monotonic()
        await asyncio.sleep(window)
        late.recording = False
        cpu1, trips1, polls1 = cpu_seconds(), trips.count, polls_by_result()
        parsers = parser_cpu_since(parsers0)
        commands1 = redis_commands(client)
        elapsed = time.monotonic() - began
        stop.set()
        await runner
    client.close()
    polls = {k: polls1[k] - polls0[k] for k in polls0}
    commands1.subtract(commands0)
    return Result(name, count, interval, elapsed, cpu1 - cpu0 + parsers, parsers, polls,
                  trips1 - trips0 - 2, +commands1, list(late.values))  # fmt: skip


@dataclass(frozen=True)
class Naive:
    polls: int
    cpu: float  # seconds, of the loop's own process
    wall: float
    body_bytes: int  # received in the pass


def naive(port: int, count: int) -> tuple[Naive, Naive]:
    """The naive loop, in a process of its own (its CPU is its process's alone): a first
    pass (not measured) that also keeps each feed's ETag, then the measured passes: plain
    (the whole feed every time, as ``feedparser.parse(url)`` would), and sending the ETags
    of the pass before (a 304 is not parsed)."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_naive_passes, port, count).result()


def _naive_passes(port: int, count: int) -> tuple[Naive, Naive]:
    etags = [_naive_poll(port, n, None)[0] for n in range(count)]  # warm-up, not measured
    passes = []
    for conditional in (False, True):
        cpu0, wall0, received = cpu_seconds(), time.monotonic(), 0
        for n in range(count):
            etag, size = _naive_poll(port, n, etags[n] if conditional else None)
            etags[n], received = etag or etags[n], received + size
        passes.append(Naive(count, cpu_seconds() - cpu0, time.monotonic() - wall0, received))
    return passes[0], passes[1]


def _naive_poll(port: int, n: int, etag: str | None) -> tuple[str, int]:
    """One feed, as a simple script polls it: fetch, parse. Returns its ETag, bytes read."""
    request = urllib.request.Request(feed_url(port, n))
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            body, etag = response.read(), response.headers.get("ETag") or ""
    except urllib.error.HTTPError as exc:  # 304 and 500 alike
        return exc.headers.get("ETag") or etag or "", 0
    feedparser.parse(body)
    return etag, len(body)


# -- the section -----------------------------------------------------------------------------


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument("--polling-feeds", type=int, default=2000, help="feeds (30 s interval)")
    parser.add_argument("--polling-window", type=float, default=45.0, help="seconds measured")
    parser.add_argument("--polling-large", type=int, default=10000,
                        help="feeds of the 5-minute run (0: skip it)")  # fmt: skip
    parser.add_argument("--polling-large-window", type=float, default=120.0)
    parser.add_argument("--polling-naive", type=int, default=300, help="feeds the naive loop polls")


def start_origin(mix: str, bodies: list[Body]) -> tuple[multiprocessing.Process, int]:
    port = free_port()
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=_serve, args=(port, mix, bodies, ready), daemon=True)
    process.start()
    if not ready.wait(30):
        sys.exit("the origin did not start")
    time.sleep(0.5)
    return process, port


def run(args: argparse.Namespace) -> None:
    if not (CORPORA / "feeds" / "manifest.tsv").is_file():
        print(f"the shared corpora are not at {CORPORA} (feeds/manifest.tsv): "
              "set NEWSWATCH_CORPORA")  # fmt: skip
        return
    bodies = real_bodies(CORPORA)
    os.environ.pop(metrics.MULTIPROC_ENV, None)
    log_file = Path(tempfile.gettempdir()) / "newswatch-bench-polling.log"
    setup_logging(log_format="json", stream=log_file.open("w"))  # as in production, off screen
    trips, late = RoundTrips(), Lateness()
    results: list[Result] = []
    naive_runs: dict[str, tuple[Naive, Naive]] = {}
    runs = [("all unchanged", "unchanged", args.polling_feeds, 30, args.polling_window),
            ("mixed", "mixed", args.polling_feeds, 30, args.polling_window)]  # fmt: skip
    if args.polling_large:
        runs.append(("mixed, 5 min", "mixed", args.polling_large, 300, args.polling_large_window))
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-polling-") as tmp:
        for name, mix, count, interval, window in runs:
            server = EmbeddedRedis(Path(tmp) / name.replace(" ", "-").replace(",", ""),
                                   persist=False).start()  # fmt: skip
            origin, port = start_origin(mix, bodies)
            try:
                measured = scheduler_run(
                    name, server.url, port, count, interval, window, trips, late, bodies
                )
                results.append(asyncio.run(measured))
                if mix not in naive_runs:
                    naive_runs[mix] = naive(port, min(args.polling_naive, count))
            finally:
                origin.terminate()
                origin.join(10)
                server.stop()
    report(results, naive_runs, bodies)


def report(
    results: list[Result], naive_runs: dict[str, tuple[Naive, Naive]], bodies: list[Body]
) -> None:
    sizes = sorted(len(b.raw) for b in bodies)
    items = sorted(len(b.keys) for b in bodies)
    print(f"bodies: {len(bodies)} real captured feeds (feeds/manifest.tsv: real_capture, "
          f">= {MIN_ENTRIES} entries, <= {MAX_BYTES // 1000:,} KB), median "
          f"{sizes[len(sizes) // 2] / 1000:.0f} KB and {items[len(items) // 2]} items, mean "
          f"{statistics.fmean(sizes) / 1000:.0f} KB")  # fmt: skip
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
    for mix, passes in naive_runs.items():
        for label, p in zip(("naive loop", "naive loop, ETags sent"), passes, strict=True):
            print(f"| {label}, {mix} feeds | {p.polls:,} | {p.polls:,} | "
                  f"{p.polls / p.wall:.1f} | {p.polls / p.cpu:,.0f} | | | |")  # fmt: skip
    print("polls per CPU-s: the scheduler's process (every thread) and its feed-parser "
          "processes, during the window; the naive loop's own process (getrusage) during its "
          "pass; both are polls per CPU-second, i.e. per core")  # fmt: skip
    for r in results:
        top = ", ".join(f"{c} {n / r.total:.2f}" for c, n in r.commands.most_common(8))
        print(f"{r.name}: commands per poll (scripts' own included): {top}; feed parsers "
              f"{r.parser_cpu / r.cpu:.0%} of the CPU")  # fmt: skip
    for mix, (plain, conditional) in naive_runs.items():
        print(f"naive loop, {mix} feeds: {plain.body_bytes / plain.polls / 1000:.0f} KB read "
              f"and parsed per poll; {conditional.body_bytes / conditional.polls / 1000:.0f} KB "
              "with ETags sent")  # fmt: skip
    for r in results:
        mix = "unchanged" if r.name == "all unchanged" else "mixed"
        plain, conditional = naive_runs[mix]
        rate = r.total / r.cpu
        print(f"{r.name}: scheduler polls per CPU-s {rate / (plain.polls / plain.cpu):.1f}x "
              f"the naive loop's ({mix} feeds; goal >= 10x), "
              f"{rate / (conditional.polls / conditional.cpu):.2f}x the naive loop "
              "sending ETags")  # fmt: skip
    unchanged = next((r for r in results if r.name == "all unchanged"), None)
    if unchanged is not None:
        print(f"unchanged polls per scheduler CPU-s: {unchanged.unchanged / unchanged.cpu:,.0f} "
              f"(goal >= 1,000); round trips per unchanged poll: "
              f"{unchanged.round_trips / unchanged.total:.2f} (goal <= 2)")  # fmt: skip
    large = next((r for r in results if r.name == "mixed, 5 min"), None)
    if large is not None and large.lags:
        print(f"lag at {large.feeds:,} feeds / 5 min: p99 {quantile(large.lags, 0.99):.2f} s "
              f"(goal < 2 s), mean {statistics.fmean(large.lags):.2f} s")  # fmt: skip
