"""Issue 11's dead-worker row with real processes: a `newswatch worker` SIGKILLed mid-batch;
another worker's reaper sees its heartbeat stop (``reap_after`` made small) and enqueues the
batch again; the second worker finishes it, and every article is recorded and alerted once."""

from __future__ import annotations

import collections
import os
import signal
import time

import redis
from rq import Queue
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

from newswatch.core.catalog import Catalog, Feed, Topic
from newswatch.store import keys
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.heartbeats import HeartbeatStore
from tests.support.cli import start_worker
from tests.support.hostile import huge_paragraphs_page
from tests.support.origin import Origin, Route
from tests.support.scheduling import Clock, cycle, items, make_settings, serve_feed

EXTRACT_TIMEOUT = 120  # seconds; the huge page takes 13-20 s of CPU alone, minutes when loaded
# generous for a loaded machine, never asserted: above the extraction deadline, so that the
# slowest outcome (the huge page stopped at its deadline, a failed article) still ends in time
WAIT = EXTRACT_TIMEOUT + 120.0
# the element cap lifted: the huge page reaches trafilatura and keeps the worker busy
SETTINGS = {"reap_after": "3", "metrics_port": "0", "max_page_bytes": str(8 * 1024 * 1024),
            "extract_timeout": str(EXTRACT_TIMEOUT),
            "extract_max_elements": "10000000"}  # fmt: skip


def _until(what: str, condition: object) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_worker_killed_mid_batch_has_its_batch_recovered_by_another_once(
    redis_client: redis.Redis, redis_url: str, origin: Origin
) -> None:
    # three articles in one batch; the second page is 5 MB of <p> (seconds of extraction), so
    # the first worker is killed while the batch is under way
    serve_feed(origin, "/feed.xml", items(1, 2, 3))
    origin.routes["/a/2"] = Route(body=huge_paragraphs_page())
    CatalogStore(redis_client).apply(
        Catalog(
            feeds=(Feed(url=origin.url("/feed.xml")),),
            topics=(Topic(name="stories", query="story AND paragraph"),),
        ),
        owner="test",
    )
    settings = make_settings(redis_url, max_page_bytes=8 * 1024 * 1024, batch_linger=30)
    cycle(redis_client, settings, Clock(time.time()))
    queue = Queue(keys.ARTICLE_QUEUE, connection=redis_client, serializer=JSONSerializer)
    (job,) = queue.get_jobs()
    assert len(job.args[0]) == 3
    started = StartedJobRegistry(keys.ARTICLE_QUEUE, connection=redis_client)

    first = start_worker(redis_url, **SETTINGS)
    try:
        _until("the first worker to start the batch", lambda: job.id in started.get_job_ids())
        # best effort: let it record an article before the kill (the outcome holds either way)
        deadline = time.monotonic() + 20
        while AlertStore(redis_client).count() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert job.get_status(refresh=True) == "started"  # dead, and rq does not know it yet

    second = start_worker(redis_url, **SETTINGS)
    try:
        _until("the batch to be finished", lambda: job.get_status(refresh=True) == "finished")
        workers = [b for b in HeartbeatStore(redis_client).all() if b.role == "worker"]
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(60)

    assert job.id not in started.get_job_ids()
    assert len(workers) == 2  # the dead one's last heartbeat, and the live one's
    result = job.latest_result()
    assert result is not None and result.return_value is not None
    # the second run saw the first's work: whatever the first finished is not done again
    alerts = AlertStore(redis_client)
    assert alerts.topics() == {"stories": 2}  # articles 1 and 3, once each
    _, events = AlertEvents(redis_client).read("0-0")
    created = collections.Counter(e.alert_id for e in events if e.kind == "created")
    assert sorted(created.values()) == [1, 1]
    assert redis_client.hlen(keys.HEARTBEATS) == 1  # the live worker removed its own on stop
