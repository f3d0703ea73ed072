"""What real processes write on stderr: JSON objects with the stable keys when stderr is a
pipe (a scheduler polling a local feed, a worker processing what it queued, rq's own lines
among them), readable lines when stderr is a terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import redis

from newswatch.core.catalog import Feed
from tests.support.cli import cli_env
from tests.support.origin import Origin
from tests.support.scheduling import items, queued_articles, serve_feed

REPO = Path(__file__).resolve().parents[2]
WAIT = 60.0  # seconds; generous for a loaded machine, never asserted


def environment(redis_url: str) -> dict[str, str]:
    return cli_env(
        redis_url,
        allow_private_networks="true",
        allowed_ports="1-65535",
        metrics_port="0",
        batch_linger="0.01",
    )


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "newswatch.cli", *args]


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every line parsed: a line that is not a JSON object fails the test."""
    records = []
    for line in text.splitlines():
        record = json.loads(line)
        assert isinstance(record, dict), line
        assert {"ts", "level", "logger", "event", "pid"} <= record.keys(), line
        records.append(record)
    return records


def poll_until_queued(
    redis_client: redis.Redis, config: Path, env: dict[str, str], count: int
) -> str:
    """Run `newswatch scheduler` until ``count`` articles are queued, stop it, return its
    stderr."""
    proc = subprocess.Popen(
        command("scheduler", "--config", str(config)),
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + WAIT
        while len(queued_articles(redis_client)) < count:
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "the scheduler queued nothing"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err.decode()
    return err.decode()


def test_the_scheduler_and_worker_write_json_lines_with_the_stable_keys(
    redis_client: redis.Redis, redis_url: str, origin: Origin, tmp_path: Path
) -> None:
    serve_feed(origin, "/feed.xml", items(1, 2), etag=None)
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        f"feeds:\n  - url: {origin.url('/feed.xml')}\n    name: local\n"
        "topics:\n  - name: stories\n    query: story\n"
    )
    env = environment(redis_url)
    feed_id = Feed(url=origin.url("/feed.xml")).id

    scheduler = json_lines(poll_until_queued(redis_client, config, env, 2))
    (poll,) = [r for r in scheduler if r["event"] == "poll"]
    assert (poll["feed_id"], poll["result"], poll["new_items"]) == (feed_id, "ok", 2)
    assert {r["logger"] for r in scheduler} >= {"scheduler.main", "scheduler.service"}

    worker = subprocess.run(
        command("worker", "--burst"), cwd=REPO, env=env, capture_output=True, timeout=WAIT
    )
    assert worker.returncode == 0, worker.stderr.decode()
    records = json_lines(worker.stderr.decode())
    articles = [r for r in records if r["event"] == "article"]
    assert len(articles) == 2
    assert {r["feed_id"] for r in articles} == {feed_id}
    assert all(r["article_id"] and r["job_id"] for r in articles)
    alerts = [r for r in records if r["event"] == "alert created"]
    assert [r["topic"] for r in alerts] == ["stories", "stories"]
    assert {r["job_id"] for r in alerts} == {r["job_id"] for r in articles}
    # rq's own lines are among them, as JSON, without its terminal colours
    rq_lines = [r for r in records if r["logger"].startswith("rq.")]
    assert any("Job OK" in r["event"] for r in rq_lines)
    assert not any("\x1b[" in r["event"] for r in rq_lines)


def read_terminal(master: int, proc: subprocess.Popen[bytes], until: str) -> str:
    seen = b""
    deadline = time.monotonic() + WAIT
    while until.encode() not in seen:
        assert time.monotonic() < deadline, f"no {until!r} on the terminal:\n{seen.decode()}"
        assert proc.poll() is None or select.select([master], [], [], 0)[0], seen.decode()
        if select.select([master], [], [], 0.2)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:  # the other side closed
                break
    return seen.decode()


def test_on_a_terminal_the_scheduler_writes_readable_lines(
    redis_url: str, origin: Origin, tmp_path: Path
) -> None:
    serve_feed(origin, "/feed.xml", items(1), etag=None)
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"feeds:\n  - url: {origin.url('/feed.xml')}\n    name: local\n")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        command("scheduler", "--config", str(config)),
        cwd=REPO, env=environment(redis_url), stdout=subprocess.DEVNULL, stderr=slave,
    )  # fmt: skip
    os.close(slave)
    try:
        text = read_terminal(master, proc, " poll ")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(WAIT)
        os.close(master)
    poll = next(line for line in text.splitlines() if " poll " in line)
    assert " INFO scheduler.poller: poll feed_id=" in poll
    assert "feed=local result=ok new_items=1" in poll
    assert not any(line.lstrip().startswith("{") for line in text.splitlines())
