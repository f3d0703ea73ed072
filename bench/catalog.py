"""The live catalogue: how long a topic change takes to reach a worker, what compiling the
matcher costs, and how fast a backtest reads a month of stored articles.

Against a real Redis (an embedded redis-server of its own), with the worker's own context
(:class:`worker.context.WorkerContext`):

- per catalogue size (1,000 and 10,000 topics generated from real news vocabulary, the
  sparse mix of the matching section): the cold build (read every topic, compile the matcher),
  the cost a batch pays when nothing changed (one HGET of the topic version, and matching one
  article) as the baseline, and the time from writing one new topic to the catalogue to the
  worker's next batch matching an article with it (the version read, the changed topics read
  and compiled, the article matched), as a ratio to the baseline, and of that time the
  worker's update alone (from the version read to the matcher holding the new topic: the
  change log read, the changed entries read and compiled);
- a backtest over ``--backtest-articles`` stored articles (ECB+ news, spread over 30 days):
  reading them alone (the time index, MGET in batches, JSON decoding) is the baseline; a rare
  and a common query over the same window.

Wall-clock times (Redis is involved); the machine is shared, so the ratios are the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

from bench import matching
from newswatch.config import Settings
from newswatch.core.catalog import Catalog, Topic
from newswatch.core.models import Article
from newswatch.embedded_redis import EmbeddedRedis
from newswatch.store.articles import ArticleStore
from newswatch.store.catalog import CatalogStore
from newswatch.topic_trial import backtest, trial_query
from worker.context import WorkerContext

REPO = Path(__file__).resolve().parents[1]
REPEATS = 7


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--catalog-sizes",
        default="1000,10000",
        help="topics in the catalogue, comma-separated (default 1000,10000)",
    )
    parser.add_argument(
        "--backtest-articles",
        type=int,
        default=30_000,
        help="stored articles the backtest reads (default 30000: a month of a mid-size setup)",
    )


def _median(run: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _catalogue(client: redis.Redis, sizes: list[int], corpora: Path) -> None:
    measured, other = matching._articles(corpora)
    WorkerContext(client, Settings()).matcher()  # the pack and the word table, loaded once
    print(
        f"{'topics':>8} {'cold build s':>12} {'batch, no change ms':>20} "
        f"{'change -> match ms':>19} {'x no change':>11} {'of which update ms':>18}"
    )
    for size in sizes:
        client.flushdb()
        specs = matching.topics(size, "sparse", measured, other)
        topics = tuple(Topic(name=s.name, query=s.query) for s in specs)
        store = CatalogStore(client)
        store.apply(Catalog((), topics, ()), owner="file:bench")
        context = WorkerContext(client, Settings())
        start = time.perf_counter()
        context.matcher()
        cold = time.perf_counter() - start
        article = measured[0]
        document = article.document()
        baseline = _median(lambda c=context, d=document: c.matcher().match(d))
        latencies = []
        updates = []
        for n in range(REPEATS):
            target = measured[n + 1]
            name = f"new-{n}"
            store.add(Topic(name=name, query=_query_for(target)), origin="api")
            doc = target.document()
            start = time.perf_counter()
            matcher = context.matcher()
            updated = time.perf_counter()
            found = matcher.match(doc)
            latencies.append(time.perf_counter() - start)
            updates.append(updated - start)
            assert any(m.topic == name for m in found), f"{name} did not match"
        change = statistics.median(latencies)
        print(
            f"{size:>8} {cold:>12.2f} {1000 * baseline:>20.2f} {1000 * change:>19.2f} "
            f"{change / baseline:>11.1f} {1000 * statistics.median(updates):>18.2f}",
            flush=True,
        )


def _query_for(article: matching.Article) -> str:
    """A topic the article matches: its first distinctive name."""
    name = article.entities[0]
    return f'"{name}"' if " " in name or "-" in name else name


def _stored(corpora: Path, count: int, now: datetime) -> list[Article]:
    lines = (corpora / "ecbplus" / "documents.jsonl").read_text("utf-8").splitlines()
    docs = [json.loads(line) for line in lines]
    articles = []
    for n in range(count):
        doc = docs[n % len(docs)]
        title, _, text = doc["text"].partition("\n")
        url = f"https://news{n % 50}.example/{n}"
        stored = now - timedelta(seconds=(n * 30 * 86400) // count)
        articles.append(
            Article(
                id=f"b{n:07d}", url=url, canonical_url=url, title=title.strip(),
                source=f"news{n % 50}.example", published_at=None, language="en", author="",
                text=text.strip(), fingerprint="", feed_id=f"f{n % 200}",
                feed_name=f"Feed {n % 200}", extracted_at=stored.isoformat(),
            )
        )  # fmt: skip
    return articles


def _backtest(client: redis.Redis, count: int, corpora: Path) -> None:
    client.flushdb()
    now = datetime.now(UTC)
    store = ArticleStore(client)
    for article in _stored(corpora, count, now):
        store.save(article)
    since = (now - timedelta(days=30)).timestamp()
    until = now.timestamp() + 1

    def read_only() -> int:
        return sum(len(batch) for batch in store.window(since, until))

    assert read_only() == count
    base = _median(read_only, 3)
    print(f"{count} stored articles over 30 days; reading them (index + MGET + JSON): {base:.2f} s")
    for query in ('earthquake OR "arrest warrant"', "police OR court"):
        trial = trial_query({"query": query})
        report: dict[str, object] = {}

        seconds = _median(
            lambda t=trial, r=report: r.update(backtest(client, t, days=30, now=until)), 3
        )
        print(
            f"  backtest {query!r}: {seconds:.2f} s ({count / seconds:,.0f} articles/s, "
            f"{seconds / base:.1f}x reading), {report['matches']} matches",
            flush=True,
        )


def run(args: argparse.Namespace) -> None:
    corpora = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))
    if not (corpora / "ecbplus").is_dir():
        print(f"the shared corpora are not at {corpora}: set NEWSWATCH_CORPORA")
        return
    sizes = [int(s) for s in args.catalog_sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as folder, EmbeddedRedis(folder, persist=False) as server:
        client = redis.Redis.from_url(server.url)
        try:
            _catalogue(client, sizes, corpora)
            _backtest(client, args.backtest_articles, corpora)
        finally:
            client.close()
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
