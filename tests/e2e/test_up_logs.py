"""`newswatch up` with stderr not a terminal (a container, a file): every line on stderr, the
supervisor's and each child's (scheduler, worker, rq inside it, API), is a JSON object, and
one feed's poll, its article and its alert can be followed by the stable keys."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from newswatch.core.catalog import Feed
from newswatch.embedded_redis import free_port
from tests.support.origin import Origin
from tests.support.scheduling import items, serve_feed
from tests.support.up import wait_for

pytestmark = pytest.mark.e2e


def records(path: Path) -> list[dict[str, Any]]:
    found = []
    for line in path.read_text().splitlines():
        record = json.loads(line)  # a line that is not JSON fails here
        assert {"ts", "level", "logger", "event", "pid"} <= record.keys(), line
        found.append(record)
    return found


def test_every_stderr_line_of_up_is_json_and_a_feed_can_be_followed(
    origin: Origin, tmp_path: Path
) -> None:
    serve_feed(origin, "/feed.xml", items(1), etag=None)
    feed_id = Feed(url=origin.url("/feed.xml")).id
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        f"feeds:\n  - url: {origin.url('/feed.xml')}\n    name: local\n"
        "topics:\n  - name: stories\n    query: story\n"
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_API_PORT=str(port),
        NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
        NEWSWATCH_ALLOWED_PORTS="1-65535",
        NEWSWATCH_BATCH_LINGER="0.1",
    )
    err = tmp_path / "stderr.log"
    with err.open("wb") as err_file:
        up = subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "up", "--config", str(config),
             "--workers", "1", "--data-dir", str(tmp_path / "data")],
            env=env, stdout=subprocess.DEVNULL, stderr=err_file, start_new_session=True,
        )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            wait_for(
                "an alert", lambda: up.poll() is None and http.get("/api/alerts").json()["alerts"]
            )
    finally:
        up.send_signal(signal.SIGTERM)
        code = up.wait(60)
    assert code == 0, err.read_text()[-4000:]

    lines = records(err)
    loggers = {r["logger"] for r in lines}
    assert {"newswatch.up", "scheduler.poller", "worker.pipeline"} <= loggers
    assert any(name.startswith("rq.") for name in loggers)
    assert any(name.startswith("uvicorn") for name in loggers)
    started = [r["process"] for r in lines if r["event"].startswith("started ")]
    assert started == ["scheduler", "worker-1", "api"]
    (poll,) = [r for r in lines if r["event"] == "poll" and r["new_items"]]
    assert poll["feed_id"] == feed_id
    (article,) = [r for r in lines if r["event"] == "article"]
    (alert,) = [r for r in lines if r["event"] == "alert created"]
    assert article["feed_id"] == alert["feed_id"] == feed_id
    assert article["article_id"] == alert["article_id"] and alert["topic"] == "stories"
    assert article["job_id"] == alert["job_id"]
    assert lines[-1]["event"] == "stopped" and lines[-1]["logger"] == "newswatch.up"
