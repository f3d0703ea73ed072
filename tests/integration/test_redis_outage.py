"""Issue 11's outage row with real processes: Redis (AOF) stopped for 30 s under a
running scheduler, worker and API, then started again. Every process comes back by itself,
without a restart: a feed added afterwards is polled, extracted and alerted, a batch whose
retry is due is moved back to the queue by rq's scheduler child (which the outage killed), and
/healthz is 200 again with every process's heartbeat fresh."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import redis
from rq import Queue
from rq.serializers import JSONSerializer

from newswatch.core.catalog import Catalog, Feed, Topic
from newswatch.embedded_redis import EmbeddedRedis, free_port
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from tests.support.cli import NEWSWATCH, cli_env
from tests.support.origin import Origin
from tests.support.scheduling import items, serve_feed
from tests.support.up import wait_for as support_wait_for

WAIT = 120.0  # seconds; generous for a loaded machine, never asserted
OUTAGE = 30.0  # seconds Redis stays down, as in the row
SETTINGS = {
    "reap_after": "3",
    "metrics_port": "0",
    "allow_private_networks": "true",
    "allowed_ports": "1-65535",
    "batch_linger": "0.1",
    "fetch_host_gap": "0",
}
TOPIC = Topic(name="stories", query="story AND paragraph")


def wait_for(what: str, probe: Callable[[], Any]) -> Any:
    return support_wait_for(what, probe, deadline=WAIT)


def start(role: str, redis_url: str, port: int, logs: Path) -> subprocess.Popen[bytes]:
    with (logs / f"{role}.log").open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            [NEWSWATCH, role],
            env=cli_env(redis_url, api_port=str(port), **SETTINGS),
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )


def test_every_process_comes_back_by_itself_after_redis_was_stopped(
    origin: Origin, tmp_path: Path
) -> None:
    serve_feed(origin, "/one.xml", items(1))
    serve_feed(origin, "/two.xml", items(2))
    server = EmbeddedRedis(tmp_path / "redis").start()  # AOF: the data survives the stop
    client = redis.Redis.from_url(server.url)
    catalog = CatalogStore(client)
    catalog.apply(Catalog(feeds=(Feed(url=origin.url("/one.xml")),), topics=(TOPIC,)), owner="t")
    port = free_port()
    processes = [start(role, server.url, port, tmp_path) for role in ("scheduler", "worker", "api")]

    def health() -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)

    stuck: list[str] = []
    try:
        wait_for("healthy", lambda: health().status_code == 200)
        wait_for("the first alert", lambda: AlertStore(client).count() == 1)
        wait_for(
            "rq's scheduler child", lambda: client.exists(f"rq:scheduler-lock:{keys.ARTICLE_QUEUE}")
        )

        server.stop()  # SIGTERM: the AOF is flushed, every connection drops
        time.sleep(OUTAGE)
        server.start()

        assert all(p.poll() is None for p in processes)  # nobody exited meanwhile
        wait_for("healthy again", lambda: health().status_code == 200)
        # the scheduler and the worker work again: a feed added now is polled and alerted
        catalog.apply(
            Catalog(feeds=(Feed(url=origin.url("/two.xml")),), topics=(TOPIC,)), owner="t2"
        )
        wait_for("the second feed's alert", lambda: AlertStore(client).count() == 2)
        # rq's scheduler child works again: a job due in a second is moved to the queue
        queue = Queue(keys.ARTICLE_QUEUE, connection=client, serializer=JSONSerializer)
        job = queue.enqueue_in(timedelta(seconds=1), "worker.tasks.process_batch", [])
        wait_for("the delayed job", lambda: job.get_status(refresh=True) == "finished")
        body = health().json()
        assert {p["role"] for p in body["processes"] if p["alive"]} == {
            "scheduler",
            "worker",
            "api",
        }
        assert all(p.poll() is None for p in processes)  # recovered, not restarted
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                stuck.append(process.args[1])
        client.close()
        server.stop()
    assert not stuck, f"did not stop on SIGTERM: {stuck}"
