"""`newswatch worker` (worker.main) against the suite's real Redis, in burst mode."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.serializers import JSONSerializer

from newswatch import metrics
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from tests.integration.test_worker_pipeline import TOPICS, URL, make_job, news_page, publish_topics
from worker import context
from worker.main import main


def test_burst_worker_processes_the_queue_and_exits(
    redis_url: str,
    redis_client: redis.Redis,
    corpora: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    keep_signal_handlers: None,
) -> None:
    monkeypatch.setenv("NEWSWATCH_REDIS_URL", redis_url)
    # as under `newswatch up`: count only, the API serves /metrics (no port opened here)
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    paragraphs = (corpora / "seed-article.txt").read_text("utf-8").split("\n\n")[1:20]
    publish_topics(redis_client, TOPICS)
    queue = Queue(keys.ARTICLE_QUEUE, connection=redis_client, serializer=JSONSerializer)
    for n in range(2):  # two batches: an article and, later, its copy from another feed
        job = make_job(redis_client, f"m{n}", URL, news_page("Putin and Xi", paragraphs))
        queue.enqueue("worker.tasks.process_batch", [job], job_id=f"main-batch-{n}")

    assert main(burst=True) == 0

    assert queue.count == 0
    assert {
        j.get_status()
        for j in queue.job_class.fetch_many(
            ["main-batch-0", "main-batch-1"], connection=redis_client, serializer=JSONSerializer
        )
        if j
    } == {"finished"}
    assert AlertStore(redis_client).topics() == {"summit": 1, "icc": 1}
    with pytest.raises(RuntimeError):
        context.get_context()  # the worker's context is uninstalled when it stops
    # the library loggers that report every discarded page are quietened
    assert logging.getLogger("trafilatura").level == logging.ERROR


def test_no_redis_configured_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NEWSWATCH_REDIS_URL", raising=False)
    monkeypatch.setenv("NEWSWATCH_DATA_DIR", str(tmp_path))
    assert main(burst=True) == 2
    assert "newswatch worker: no Redis configured" in capsys.readouterr().err


def test_the_config_files_settings_block_applies_to_a_standalone_worker(
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    keep_signal_handlers: None,
) -> None:
    monkeypatch.delenv("NEWSWATCH_REDIS_URL", raising=False)
    monkeypatch.setenv("NEWSWATCH_DATA_DIR", str(tmp_path))  # no redis.url there
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"settings:\n  redis_url: {redis_url}\n")
    assert main(burst=True) == 2  # without the file: no Redis known
    assert main(burst=True, config_path=config) == 0  # the file's settings: block says where


def test_the_matcher_is_built_before_the_first_job(redis_client: redis.Redis) -> None:
    """The worker compiles its topics at start, so the first batch does not wait for it; with
    the catalogue unreadable it still starts (the first batch reports the problem)."""
    from newswatch.config import Settings
    from worker.main import _warm

    publish_topics(redis_client, TOPICS)
    warmed = context.WorkerContext(redis_client, Settings())
    _warm(warmed)
    assert warmed._matcher is not None and len(warmed._matcher) == len(TOPICS)
    # no Redis to read the topics from: logged, not raised (the first batch fails as ever)
    from newswatch.embedded_redis import free_port

    gone = redis.Redis(port=free_port(), socket_connect_timeout=1)
    unwarmed = context.WorkerContext(gone, Settings())
    _warm(unwarmed)
    assert unwarmed._matcher is None


def test_the_extraction_sandbox_is_started_before_the_first_job(
    redis_client: redis.Redis,
) -> None:
    """The sandbox's child (which imports trafilatura) is started at start too, and is the
    one the first page is extracted in."""
    from newswatch.config import Settings
    from worker.extraction import SandboxedExtractor
    from worker.main import _warm

    publish_topics(redis_client, TOPICS)
    extractor = SandboxedExtractor(Settings())
    warmed = context.WorkerContext(redis_client, Settings(), extractor=extractor)
    try:
        assert extractor.sandbox.pid is None
        _warm(warmed)
        started = extractor.sandbox.pid
        assert started is not None
        page = b"<html><body><article><p>" + b"A sentence of the article. " * 20 + b"</p>"
        got = extractor.extract(page + b"</article></body></html>", url="https://ex.com/a",
                                max_bytes=1 << 20)  # fmt: skip
        assert "A sentence of the article." in got.text
        assert extractor.sandbox.pid == started and extractor.sandbox.starts == 1
    finally:
        extractor.close()


def test_the_rq_heartbeat_is_one_round_trip(redis_url: str, redis_client: redis.Redis) -> None:
    """rq's worker heartbeat (before and after every dequeue) writes the worker hash's
    last_heartbeat and two TTLs: sent together, one round trip; the same writes."""
    from newswatch import metrics
    from worker.main import build_worker

    worker = build_worker(redis_url, name="beating")
    trips = metrics.REDIS_ROUND_TRIPS.labels("worker_queue")
    worker.connection.ping()  # the connection's handshake is counted too: start after it
    before = trips._value.get()
    worker.heartbeat()
    assert trips._value.get() - before == 1
    assert redis_client.hget(worker.key, "last_heartbeat") is not None
    assert 0 < redis_client.ttl(worker.key) <= worker.worker_ttl + 60
    before = trips._value.get()
    with worker.connection.pipeline() as pipe:  # rq's own pipelined calls are left alone
        worker.heartbeat(30, pipeline=pipe)
        assert trips._value.get() == before
        pipe.execute()
    assert redis_client.ttl(worker.key) <= 30
    worker.connection.close()
