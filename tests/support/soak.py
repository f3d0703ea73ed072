"""The soak: newswatch under chaos, then a ledger of what became of every published item.

A local origin serves N feeds whose items appear over time (some stories syndicated: the same
text under another outlet's URL on other feeds) and a few hostile feeds; two schedulers and
three workers run as real processes against a real Redis (AOF); a chaos loop SIGKILLs a random
one of them, or Redis, every few seconds and starts it again. After the publishing phase the
chaos stops and the run drains; then the ledger compares what the origin published with what
newswatch recorded: every item must be an article (extracted, or a copy joining its story) or
a failure with its reason; 0 unaccounted for; 0 duplicate alerts per (story, topic). The run
is bounded in time and stops by itself.

    python -m tests.support.soak [--feeds 300] [--minutes 10] [--kill-every 5]
    make soak ARGS="--minutes 30"
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import itertools
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis

from newswatch.core.catalog import Feed
from newswatch.core.models import short_hash
from newswatch.embedded_redis import EmbeddedRedis
from newswatch.store.alert_events import AlertEvents
from newswatch.store.articles import ArticleStore
from newswatch.store.failures import read_failures
from newswatch.store.heartbeats import HeartbeatStore
from tests.support.hostile import entity_bomb, quadratic_authors
from tests.support.origin import Origin, Route, rss

NEWSWATCH = str(Path(sys.executable).parent / "newswatch")
TOPIC = "summits"
VOCABULARY = [f"{a}{b}{c}" for a in "bcdfgklmnprst" for b in "aeiou" for c in "bdgklmnrst"]


@dataclasses.dataclass
class Plan:
    feeds: int = 300
    publish_seconds: float = 600.0
    drain_seconds: float = 180.0
    publish_every: float = 0.5  # seconds between two new stories
    syndicate_share: float = 0.3  # stories also published on other feeds
    kill_every: float = 5.0
    hostile_feeds: int = 3
    schedulers: int = 2
    workers: int = 3
    seed: int = 11


@dataclasses.dataclass
class Ledger:
    items: int = 0
    stories: int = 0
    extracted: int = 0
    copies: int = 0  # articles that joined another article's story
    failures: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    unaccounted: list[str] = dataclasses.field(default_factory=list)
    alerts: int = 0
    duplicate_alerts: int = 0  # (story, topic) alerted more than once
    split_stories: int = 0  # a syndicated story alerted under more than one story id
    kills: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    recoveries: int = 0
    longest_recovery: float = 0.0
    longest_poll_gap: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.unaccounted and self.duplicate_alerts == 0

    def report(self) -> str:
        failed = ", ".join(f"{r} {n}" for r, n in sorted(self.failures.items())) or "none"
        kills = ", ".join(f"{k} {n}" for k, n in sorted(self.kills.items())) or "none"
        return "\n".join(
            [
                f"soak ledger ({self.seconds:.0f} s)",
                f"  items published        {self.items} ({self.stories} stories)",
                f"  articles               {self.extracted + self.copies} "
                f"({self.extracted} extracted, {self.copies} copies joining a story)",
                f"  failures with reason   {sum(self.failures.values())} ({failed})",
                f"  unaccounted            {len(self.unaccounted)}",
                f"  alerts                 {self.alerts}",
                f"  duplicate alerts       {self.duplicate_alerts} per (story, topic)",
                f"  split stories          {self.split_stories} (copies alerted apart)",
                f"  kills                  {sum(self.kills.values())} ({kills})",
                f"  recoveries             {self.recoveries}",
                f"  longest recovery       {self.longest_recovery:.1f} s",
                f"  longest polling gap    {self.longest_poll_gap:.1f} s (feed interval 30 s)",
                f"  verdict                {'OK' if self.ok else 'FAILED'}",
            ]
        )


@dataclasses.dataclass
class Item:
    feed: int
    guid: str
    path: str
    story: str


class Publisher:
    """Feeds on the origin whose items appear over time."""

    def __init__(self, origin: Origin, plan: Plan, rng: random.Random) -> None:
        self.origin, self.plan, self.rng = origin, plan, rng
        self.items: list[Item] = []
        self.entries: dict[int, list[dict[str, str]]] = {n: [] for n in range(plan.feeds)}
        self.polls: dict[str, list[float]] = collections.defaultdict(list)
        self.lock = threading.Lock()
        for n in range(plan.feeds):
            self._serve(n)
        base = origin.url("/hostile")
        for n in range(plan.hostile_feeds):
            body = quadratic_authors(base) if n % 2 == 0 else entity_bomb(base)
            origin.routes[f"/hostile/{n}.xml"] = Route(body, content_type="application/rss+xml")
        origin.on_request = self._polled

    def _polled(self, path: str) -> None:
        if path.startswith("/f/"):
            with self.lock:
                self.polls[path].append(time.monotonic())

    def feed_urls(self) -> list[str]:
        normal = [self.origin.url(f"/f/{n}.xml") for n in range(self.plan.feeds)]
        hostile = [self.origin.url(f"/hostile/{n}.xml") for n in range(self.plan.hostile_feeds)]
        return normal + hostile

    def _serve(self, feed: int) -> None:
        body = rss(f"Feed {feed}", self.entries[feed][-50:])
        self.origin.routes[f"/f/{feed}.xml"] = Route(body, content_type="application/rss+xml")

    def publish_story(self, number: int) -> None:
        story = f"s{number}"
        words = self.rng.choices(VOCABULARY, k=150)
        words[self.rng.randrange(150)] = "summit"
        text = " ".join(words)
        copies = 1
        if self.rng.random() < self.plan.syndicate_share:
            copies += self.rng.randint(1, 2)
        feeds = self.rng.sample(range(self.plan.feeds), min(copies, self.plan.feeds))
        for outlet, feed in enumerate(feeds):
            path = f"/a/{story}-{outlet}"
            title = f"Leaders meet ({story}, outlet {outlet})"
            page = (
                f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                f"<p>{text}.</p><p>{text[::-1]}.</p></article></body></html>"
            ).encode()
            self.origin.routes[path] = Route(page)
            guid = f"{story}-{outlet}"
            with self.lock:
                self.entries[feed].append(
                    {"title": title, "guid": guid, "link": self.origin.url(path)}
                )
                self._serve(feed)
                self.items.append(Item(feed, guid, path, story))

    def longest_gap(self) -> float:
        with self.lock:
            gaps = [b - a for times in self.polls.values() for a, b in itertools.pairwise(times)]
        return max(gaps, default=0.0)


class Cast:
    """The processes under test, each startable again after a kill."""

    def __init__(self, redis_server: EmbeddedRedis, config: Path, plan: Plan, logs: Path):
        self.redis = redis_server
        self.logs = logs
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env.update(
            NEWSWATCH_REDIS_URL=redis_server.url,
            NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
            NEWSWATCH_ALLOWED_PORTS="1-65535",
            NEWSWATCH_METRICS_PORT="0",
            NEWSWATCH_REAP_AFTER="5",
            NEWSWATCH_SCHEDULER_LEASE="10",
            NEWSWATCH_BATCH_LINGER="0.2",
            NEWSWATCH_FETCH_HOST_GAP="0",
            NEWSWATCH_FETCH_PER_HOST="16",
            NEWSWATCH_FEED_PARSE_TIMEOUT="3",
            NEWSWATCH_EXTRACT_TIMEOUT="10",
            NEWSWATCH_LOG_FORMAT="json",
        )
        self.env = env
        self.commands: dict[str, list[str]] = {}
        for n in range(1, plan.schedulers + 1):
            extra = ["--config", str(config)] if n == 1 else []
            self.commands[f"scheduler-{n}"] = [NEWSWATCH, "scheduler", *extra]
        for n in range(1, plan.workers + 1):
            self.commands[f"worker-{n}"] = [NEWSWATCH, "worker"]
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        env = dict(self.env)
        if name.startswith("scheduler"):
            env["NEWSWATCH_SCHEDULER_NAME"] = name
        with (self.logs / f"{name}.log").open("ab") as log:
            self.running[name] = subprocess.Popen(
                self.commands[name], env=env, stdout=log, stderr=log, start_new_session=True
            )

    def kill(self, name: str) -> None:
        if name == "redis":
            process = self.redis.process
            if process is not None:
                process.kill()
                process.wait()
            self.redis.process = None
            return
        process = self.running[name]
        os.killpg(process.pid, signal.SIGKILL)  # the worker's extraction child too
        process.wait()

    def restart(self, name: str) -> None:
        if name == "redis":
            self.redis.start()
        else:
            self.start(name)

    def recovered(self, name: str, client: redis.Redis, since: float) -> bool:
        """Back: Redis answers; a process has written a heartbeat since ``since``."""
        try:
            if name == "redis":
                return bool(client.ping())
            pid = self.running[name].pid
            return any(b.pid == pid and b.at >= since for b in HeartbeatStore(client).all())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def chaos(cast: Cast, plan: Plan, until: float, ledger: Ledger, rng: random.Random) -> None:
    """Kill a random process (or Redis) every ``kill_every`` seconds, start it again at once,
    wait for it to be back; bounded by ``until``."""
    client = redis.Redis.from_url(cast.redis.url, socket_timeout=2, socket_connect_timeout=2)
    targets = [*cast.commands, "redis"]
    try:
        while time.monotonic() + plan.kill_every < until:
            time.sleep(plan.kill_every)
            name = rng.choice(targets)
            cast.kill(name)
            ledger.kills[name] += 1
            killed_at, wall = time.monotonic(), time.time()
            cast.restart(name)
            deadline = killed_at + 120
            while time.monotonic() < deadline and not cast.recovered(name, client, wall):
                time.sleep(0.1)
            if cast.recovered(name, client, wall):
                ledger.recoveries += 1
                ledger.longest_recovery = max(ledger.longest_recovery, time.monotonic() - killed_at)
    finally:
        client.close()


def account(client: redis.Redis, publisher: Publisher, ledger: Ledger) -> None:
    """Fill the ledger from what newswatch recorded."""
    urls = {
        n: Feed(url=publisher.origin.url(f"/f/{n}.xml")).id for n in range(publisher.plan.feeds)
    }
    failed = {f.get("article_id", ""): f.get("reason", "") for f in read_failures(client, 100_000)}
    articles = ArticleStore(client)
    ledger.items = len(publisher.items)
    ledger.stories = len({item.story for item in publisher.items})
    ledger.extracted = ledger.copies = 0
    ledger.failures.clear()
    ledger.unaccounted = []
    story_ids: dict[str, set[str]] = collections.defaultdict(set)
    ids = [short_hash("article", urls[item.feed], item.guid) for item in publisher.items]
    for item, article_id, article in zip(
        publisher.items, ids, articles.get_many(ids), strict=False
    ):
        if article is not None:
            own = (article.story_id or article.id) == article.id
            ledger.extracted += own
            ledger.copies += not own
            story_ids[item.story].add(article.story_id or article.id)
        elif article_id in failed:
            ledger.failures[failed[article_id]] += 1
        else:
            ledger.unaccounted.append(f"{item.path} (feed {item.feed})")
    created: collections.Counter[str] = collections.Counter()
    alerted_stories: dict[str, set[str]] = collections.defaultdict(set)
    after = "0-0"
    events = AlertEvents(client)
    while True:
        after, batch = events.read(after, count=1000)
        if not batch:
            break
        for event in batch:
            if event.kind == "created":
                created[event.alert_id] += 1
                alerted_stories[event.topic].add(event.story_id)
    ledger.alerts = len(created)
    ledger.duplicate_alerts = sum(1 for n in created.values() if n > 1)
    alerted = alerted_stories.get(TOPIC, set())
    ledger.split_stories = sum(1 for ids_ in story_ids.values() if len(ids_ & alerted) > 1)


def _publish(publisher: Publisher, plan: Plan, until: float) -> None:
    number = 0
    while time.monotonic() < until:
        publisher.publish_story(number)
        number += 1
        time.sleep(plan.publish_every)


@contextmanager
def _directory(path: Path | None) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="newswatch-soak-") as tmp:
        yield Path(tmp)


def run_soak(plan: Plan, workdir: Path | None = None, *, log: Any = print) -> Ledger:
    rng = random.Random(plan.seed)
    ledger = Ledger()
    started = time.monotonic()
    with _directory(workdir) as work, Origin().running() as origin:
        publisher = Publisher(origin, plan, rng)
        config = work / "newswatch.yaml"
        config.write_text(
            "feeds:\n"
            + "".join(f"  - url: {url}\n    interval: 30s\n" for url in publisher.feed_urls())
            + f"topics:\n  - name: {TOPIC}\n    query: summit\n"
        )
        server = EmbeddedRedis(work / "redis").start()  # AOF: a killed Redis keeps its data
        cast = Cast(server, config, plan, work)
        client = redis.Redis.from_url(server.url, socket_timeout=10)
        try:
            cast.start("scheduler-1")  # applies the configuration
            for name in cast.commands:
                if name != "scheduler-1":
                    cast.start(name)
            until = time.monotonic() + plan.publish_seconds
            publishing = threading.Thread(target=_publish, args=(publisher, plan, until))
            publishing.start()
            # chaos in this thread: a child's PR_SET_PDEATHSIG (the embedded Redis sets it)
            # fires when the thread that started it ends
            chaos(cast, plan, until, ledger, random.Random(plan.seed + 1))
            publishing.join()
            log(f"soak: published {len(publisher.items)} items; chaos over, draining")
            drain_until = time.monotonic() + plan.drain_seconds
            while time.monotonic() < drain_until:
                try:
                    account(client, publisher, ledger)
                except redis.RedisError:
                    pass
                else:
                    if not ledger.unaccounted:
                        break
                time.sleep(2)
            account(client, publisher, ledger)
            ledger.longest_poll_gap = publisher.longest_gap()
        finally:
            cast.stop()
            client.close()
            server.stop()
    ledger.seconds = time.monotonic() - started
    return ledger


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=10.0, help="publishing under chaos")
    parser.add_argument("--drain-minutes", type=float, default=3.0)
    parser.add_argument("--kill-every", type=float, default=5.0, help="seconds between kills")
    parser.add_argument("--publish-every", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, default=None, help="keep logs and data here")
    args = parser.parse_args(argv)
    plan = Plan(
        feeds=args.feeds,
        publish_seconds=args.minutes * 60,
        drain_seconds=args.drain_minutes * 60,
        kill_every=args.kill_every,
        publish_every=args.publish_every,
        seed=args.seed,
    )
    ledger = run_soak(plan, args.workdir)
    print(ledger.report())
    for path in ledger.unaccounted[:20]:
        print(f"  unaccounted: {path}")
    return 0 if ledger.ok else 1


if __name__ == "__main__":
    sys.exit(main())
