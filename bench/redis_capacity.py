"""`make bench` section `redis`: how far one Redis carries newswatch.

`newswatch up` processes real corpus pages served behind local feeds (as in the `pipeline`
section) against a Redis started here (AOF on, as in production), so the Redis is measured
from empty: its memory after the run per article stored, by key family (MEMORY USAGE of every
key), the commands per article (INFO commandstats) and the Redis CPU time per article (INFO
cpu), hence the articles per second one Redis core could carry. The baseline, measured in the
same run on the same Redis: each article's extracted text stored as one plain string, and the
CPU of writing them so (one SET each).
"""

from __future__ import annotations

import argparse
import email.utils
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import redis
from prometheus_client.parser import text_string_to_metric_families

from bench.pipeline import Origin, load_pages, metric_sum
from newswatch.embedded_redis import EmbeddedRedis, free_port

# key family by pattern, first match wins (every key is named in newswatch/store/keys.py)
FAMILIES = [
    ("pages waiting (dropped once processed)", r"^nw:page:"),
    ("articles (text, metadata)", r"^nw:article:|^nw:articles:"),
    ("URL and text claims", r"^nw:dedup:"),
    ("near-duplicate index", r"^nw:nd:"),
    ("stories", r"^nw:story:|^nw:stories:"),
    ("alerts and alert events", r"^nw:alert"),
    ("items seen per feed", r"^nw:feed:.*:seen"),
    ("feed state and schedule", r"^nw:feed:|^nw:schedule|^nw:feeds$|^nw:host:"),
    ("rq jobs and results (expire)", r"^rq:"),
    ("other", r""),
]


def info(client: redis.Redis) -> dict[str, Any]:
    stats: dict[str, Any] = client.info("commandstats")
    cpu: dict[str, Any] = client.info("cpu")
    memory: dict[str, Any] = client.info("memory")
    calls = {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}
    return {
        "calls": calls,
        "cpu": float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"]),
        "memory": int(memory["used_memory"]),
    }


def memory_by_family(client: redis.Redis) -> Counter[str]:
    sizes: Counter[str] = Counter()
    for key in client.scan_iter(count=1000):
        name = key.decode()
        used = client.memory_usage(key, samples=0) or 0
        family = next(label for label, pattern in FAMILIES if re.search(pattern, name))
        sizes[family] += used
    return sizes


class FreshOrigin(Origin):
    """The pipeline section's origin, its items published when the run starts (the pipeline's
    are dated 2023: too old to be believed, so no published_to_* span would be measured)."""

    def __init__(self, host: str, pages: list[bytes], latency: float) -> None:
        self.published = email.utils.formatdate(time.time(), usegmt=True)
        super().__init__(host, pages, latency)

    def feed(self) -> bytes:
        return super().feed().replace(b"Fri, 17 Mar 2023 12:00:00 GMT", self.published.encode())


def run_up(url: str, pages: list[bytes], hosts: int, workers: int, tmp: Path) -> None:
    """`newswatch up` on the Redis at ``url`` until every page is processed."""
    shards = [pages[h::hosts] for h in range(hosts)]
    origins = [FreshOrigin(f"127.0.0.{h + 1}", shard, 0.01) for h, shard in enumerate(shards)]
    config = tmp / "bench.yaml"
    lines = ["feeds:"] + [f"  - url: {o.base}/feed.xml\n    interval: 3600" for o in origins]
    lines += ["topics:", "  - name: summits", "    query: '(summit OR talks) AND president'",
              "  - name: any-court", "    query: court"]  # fmt: skip
    config.write_text("\n".join(lines) + "\n")
    port = free_port()
    env = dict(os.environ)
    env.update(
        NEWSWATCH_REDIS_URL=url,
        NEWSWATCH_API_PORT=str(port),
        NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
        NEWSWATCH_ALLOWED_PORTS="1-65535",
    )
    with (tmp / "up.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "up", "--config", str(config),
             "--workers", str(workers), "--data-dir", str(tmp / "data")],
            env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                sys.exit("newswatch up exited:\n" + (tmp / "up.log").read_text()[-3000:])
            try:
                if metric_sum(http, "newswatch_articles_processed_total{") >= len(pages):
                    time.sleep(1.0)  # the last batch's alerts
                    print_freshness(http.get("/metrics").text)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        sys.exit("the pages were not all processed in 15 minutes")
    finally:
        http.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        for origin in origins:
            origin.server.shutdown()
            origin.server.server_close()


def _members(client: redis.Redis, key: bytes) -> int:
    kind = client.type(key)
    return int({b"set": client.scard, b"zset": client.zcard, b"hash": client.hlen}[kind](key))


def bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """Prometheus's histogram_quantile over cumulative (upper bound, count) buckets."""
    total = buckets[-1][1]
    rank, lower, below = q * total, 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(count - below, 1e-9)
        lower, below = bound, count
    return lower


def print_freshness(text: str) -> None:
    """p50/p95/p99 of each freshness span of the run, as the dashboard computes them."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for family in text_string_to_metric_families(text):
        if family.name != "newswatch_freshness_seconds":
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                bound = float(sample.labels["le"])
                spans.setdefault(sample.labels["span"], []).append((bound, sample.value))
    print("| freshness span | count | p50 | p95 | p99 |")
    print("|---|---:|---:|---:|---:|")
    for span, buckets in sorted(spans.items()):
        buckets.sort()
        if not buckets[-1][1]:
            continue
        p50, p95, p99 = (bucket_quantile(q, buckets) for q in (0.5, 0.95, 0.99))
        print(f"| {span} | {buckets[-1][1]:.0f} | {p50:.2f} s | {p95:.2f} s | {p99:.2f} s |")


def baseline(client: redis.Redis, texts: list[str]) -> tuple[float, float]:
    """Bytes and Redis CPU seconds per article to store its text as one plain string."""
    before = info(client)
    for n, text in enumerate(texts):
        client.set(f"bench:text:{n}", text)
    after = info(client)
    used = sum(client.memory_usage(f"bench:text:{n}", samples=0) or 0 for n in range(len(texts)))
    client.delete(*(f"bench:text:{n}" for n in range(len(texts))))
    return used / len(texts), (after["cpu"] - before["cpu"]) / len(texts)


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument("--redis-articles", type=int, default=543, help="pages to process")
    parser.add_argument("--redis-hosts", type=int, default=8, help="loopback hosts (feeds)")


def run(args: argparse.Namespace) -> None:
    pages = load_pages(args.redis_articles)
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-redis-") as name:
        tmp = Path(name)
        server = EmbeddedRedis(tmp / "redis").start()
        client = redis.Redis.from_url(server.url)
        try:
            before = info(client)
            run_up(server.url, pages, args.redis_hosts, 1, tmp)
            after = info(client)
            families = memory_by_family(client)
            texts = [
                str(json.loads(client.get(key) or b"{}").get("text", ""))
                for key in client.scan_iter("nw:article:*", count=1000)
                if client.type(key) == b"string"
            ]
            stored = len(texts)
            if not stored:
                sys.exit("no article stored: see the up log")
            base_bytes, base_cpu = baseline(client, texts)
            seen_items = sum(
                _members(client, key) for key in client.scan_iter("nw:feed:*:seen", count=1000)
            )
        finally:
            client.close()
            server.stop()
    report(len(pages), stored, args.redis_hosts, seen_items, before, after, families,
           base_bytes, base_cpu)  # fmt: skip


def report(
    articles: int,
    stored: int,
    feeds: int,
    seen_items: int,
    before: dict[str, Any],
    after: dict[str, Any],
    families: Counter[str],
    base_bytes: float,
    base_cpu: float,
) -> None:
    calls = Counter(after["calls"])
    calls.subtract(before["calls"])
    total_calls = sum(v for v in calls.values() if v > 0)
    cpu = after["cpu"] - before["cpu"]
    memory = after["memory"] - before["memory"]
    kept = sum(v for k, v in families.items() if not k.startswith(("rq", "pages")))
    print(f"{articles} pages through newswatch up, {stored} articles stored, {feeds} feeds, "
          f"{seen_items} items seen")  # fmt: skip
    print(f"Redis used_memory grew {memory / 1e6:.1f} MB: {memory / max(stored, 1):,.0f} bytes "
          f"per article; keys kept for the retention: {kept / max(stored, 1):,.0f} bytes per "
          f"article ({kept / max(stored, 1) / base_bytes:.1f}x the text alone as one string, "
          f"{base_bytes:,.0f} bytes)")  # fmt: skip
    print("| key family | bytes | per article |")
    print("|---|---:|---:|")
    for family, used in families.most_common():
        print(f"| {family} | {used:,} | {used / max(stored, 1):,.0f} |")
    top = ", ".join(f"{name} {count / articles:.1f}" for name, count in calls.most_common(8))
    print(f"Redis commands per article (everything: polls, jobs, heartbeats, scrapes): "
          f"{total_calls / articles:.1f}; most: {top}")  # fmt: skip
    per_article = cpu / articles
    print(f"Redis CPU per article: {per_article * 1000:.2f} ms -> {1 / per_article:,.0f} "
          f"articles per Redis CPU-second ({per_article / base_cpu:.0f}x the CPU of one SET of "
          f"the text, {base_cpu * 1e6:.0f} us)")  # fmt: skip
