"""Issue 11's restart row with real processes: a scheduler SIGKILLed mid-poll and restarted at
once under its name takes its feeds back at once. The lease is made long (10 minutes) so that
only the take-back, not the lease running out, can explain the second poll."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from newswatch.core.catalog import Feed
from newswatch.store import keys
from newswatch.store.feeds import FeedStateStore
from tests.support.cli import cli_env
from tests.support.origin import Origin
from tests.support.scheduling import items, serve_feed

REPO = Path(__file__).resolve().parents[2]
WAIT = 60.0  # seconds; generous for a loaded machine, never asserted


def start(config: Path, redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = cli_env(
        redis_url,
        allow_private_networks="true",
        allowed_ports="1-65535",
        metrics_port="0",
        scheduler_name="restarted",
        scheduler_lease="600",
    )
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "scheduler", "--config", str(config)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


def wait_until(what: str, condition: object, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        assert proc.poll() is None, f"scheduler exited:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_scheduler_killed_mid_poll_and_restarted_takes_its_feeds_back_at_once(
    redis_client: redis.Redis, redis_url: str, origin: Origin, tmp_path: Path
) -> None:
    serve_feed(origin, "/feed.xml", items(1), etag=None, hang=120.0)  # a poll that never ends
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"feeds:\n  - url: {origin.url('/feed.xml')}\n    name: local\n")
    log = tmp_path / "scheduler.log"
    feed_id = Feed(url=origin.url("/feed.xml")).id

    first = start(config, redis_url, log)
    try:
        wait_until("the first poll", lambda: origin.hits("/feed.xml") == 1, first, log)
        leased_until = redis_client.zscore(keys.SCHEDULE, feed_id)
        assert leased_until is not None and leased_until > time.time() + 300  # held 10 min
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    serve_feed(origin, "/feed.xml", items(1), etag=None)  # answers at once now

    second = start(config, redis_url, log)
    try:
        wait_until("the poll after the restart", lambda: origin.hits("/feed.xml") == 2, second, log)
        wait_until(
            "the poll recorded",
            lambda: FeedStateStore(redis_client).get_state(feed_id).last_status == "ok",
            second,
            log,
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    assert "took back" in log.read_text()
    assert second.returncode == 0
