"""Issue 11's page row: a 5 MB page of <p> and one of table rows, served by a local origin,
in one batch with ordinary articles processed by a real `newswatch worker`: each huge page
fails with reason too_large (over extract_max_elements, before trafilatura sees it) or, with
that cap lifted, too_slow (past extract_timeout) or too_large (past extract_memory_mb), and
the rest of the batch is extracted and alerted. trafilatura's caches are reset every
extract_cache_reset articles."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.serializers import JSONSerializer

from newswatch.core.catalog import Catalog, Feed, Topic
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.failures import read_failures
from tests.support.cli import NEWSWATCH, cli_env
from tests.support.hostile import huge_paragraphs_page, huge_table_page
from tests.support.origin import Origin, Route
from tests.support.scheduling import Clock, article_page, cycle, items, make_settings, serve_feed
from worker import extraction
from worker.extraction import InProcessExtractor

BIG = str(8 * 1024 * 1024)
UNCAPPED = {"extract_max_elements": "10000000"}  # the huge pages reach trafilatura


def _one_batch(client: redis.Redis, redis_url: str, origin: Origin) -> None:
    serve_feed(origin, "/feed.xml", items(1, 2, 3, 4))
    origin.routes["/a/2"] = Route(body=huge_paragraphs_page())
    origin.routes["/a/3"] = Route(body=huge_table_page())
    CatalogStore(client).apply(
        Catalog(
            feeds=(Feed(url=origin.url("/feed.xml")),),
            topics=(Topic(name="stories", query="story AND paragraph"),),
        ),
        owner="test",
    )
    settings = make_settings(redis_url, max_page_bytes=int(BIG), batch_linger=30)
    cycle(client, settings, Clock(time.time()))
    (job,) = Queue(keys.ARTICLE_QUEUE, connection=client, serializer=JSONSerializer).get_jobs()
    assert len(job.args[0]) == 4


@pytest.mark.parametrize(
    ("bounds", "reason"),
    [
        ({}, "too_large"),  # 88,000 and 340,000 elements: over the cap of 20,000
        ({"extract_timeout": "2", "extract_memory_mb": "16384", **UNCAPPED}, "too_slow"),
        ({"extract_timeout": "300", "extract_memory_mb": "32", **UNCAPPED}, "too_large"),
    ],
)
def test_huge_pages_fail_with_their_reason_and_the_batch_goes_on(
    redis_client: redis.Redis, redis_url: str, origin: Origin, bounds: dict[str, str], reason: str
) -> None:
    _one_batch(redis_client, redis_url, origin)
    done = subprocess.run(
        [NEWSWATCH, "worker", "--burst"],
        env=cli_env(redis_url, metrics_port="0", max_page_bytes=BIG, **bounds),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    failures = [f for f in read_failures(redis_client) if f.get("kind") == "article"]
    assert sorted((f["stage"], f["reason"]) for f in failures) == [("extract", reason)] * 2
    assert AlertStore(redis_client).topics() == {"stories": 2}  # articles 1 and 4


def test_trafilatura_caches_are_reset_every_extract_cache_reset_articles(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the count is the process's: start from none, whatever earlier tests extracted in it
    monkeypatch.setattr(extraction, "_extracted", 0)
    extractor = InProcessExtractor(make_settings(redis_url, extract_cache_reset=2))
    before = extraction.resets
    for n in range(5):
        extractor.extract(article_page(f"Story {n}"), url=f"https://a.example/{n}", max_bytes=10**6)
    assert extraction.resets - before == 2


def test_the_sandbox_child_is_stopped_with_the_worker(tmp_path: Path) -> None:
    # the extractor's child process ends with close() (the worker calls it on stop)
    extractor = extraction.SandboxedExtractor(make_settings("redis://unused"))
    page = article_page("Story one")
    assert extractor.extract(page, url="https://a.example/1", max_bytes=10**6).text
    child = extractor.sandbox.pid
    assert child is not None
    extractor.close()
    assert extractor.sandbox.pid is None
