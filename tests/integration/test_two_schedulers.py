"""Two `newswatch scheduler` processes on one feed set (issue 10): in a round every feed is
fetched once, by one of them; the per-host limit holds across both (the origin counts the
requests in flight per host); one of them SIGKILLed mid-poll, the other takes its feeds over
once their leases run out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from newswatch.core.catalog import Feed
from newswatch.store import keys
from tests.support.origin import Origin
from tests.support.scheduling import items, serve_feed

REPO = Path(__file__).resolve().parents[2]
WAIT = 90.0  # seconds; generous for a loaded machine, never asserted
HOSTS = ("127.0.0.1", "127.0.0.2")
FEEDS = 40  # more than one scheduler claims at once (32), so both get some
PER_HOST = 2


@pytest.fixture
def origin() -> Iterator[Origin]:
    with Origin(hosts=HOSTS).running() as server:
        yield server


def start(name: str, config: Path, redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(
        NEWSWATCH_REDIS_URL=redis_url,
        NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
        NEWSWATCH_ALLOWED_PORTS="1-65535",
        NEWSWATCH_METRICS_PORT="0",
        NEWSWATCH_SCHEDULER_NAME=name,
        NEWSWATCH_SCHEDULER_LEASE="5",
        NEWSWATCH_FETCH_PER_HOST=str(PER_HOST),
        NEWSWATCH_FETCH_HOST_GAP="0",
        NEWSWATCH_LOG_FORMAT="json",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "scheduler", "--config", str(config)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=out,
        )  # fmt: skip


def polled(log: Path) -> list[str]:
    """Feed ids of the polls a scheduler's log reports, in order (a poll that found something
    new, or failed: a 304 makes no line)."""
    lines = (json.loads(line) for line in log.read_text().splitlines() if line.startswith("{"))
    return [line["feed_id"] for line in lines if line["event"] == "poll"]


def wait_until(what: str, condition: Callable[[], bool], *procs: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert all(p.poll() is None for p in procs), f"a scheduler exited while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_two_scheduler_processes_share_feeds_politely_and_survive_a_sigkill(
    redis_client: redis.Redis, redis_url: str, origin: Origin, tmp_path: Path
) -> None:
    paths = [f"/f{n}.xml" for n in range(FEEDS)]
    urls = [origin.url(path, host=HOSTS[n % 2]) for n, path in enumerate(paths)]
    for n, path in enumerate(paths):  # each answer takes a while: requests overlap
        serve_feed(origin, path, items(1000 + n), hang=1.0)
    config = tmp_path / "newswatch.yaml"
    config.write_text("feeds:\n" + "".join(f"  - url: {u}\n    interval: 30\n" for u in urls))
    ids = {Feed(url=url).id for url in urls}
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    a = start("a", config, redis_url, logs["a"])
    b = start("b", config, redis_url, logs["b"])
    try:
        wait_until("every feed polled once", lambda: len(polled(logs["a"]) + polled(logs["b"]))
                   >= FEEDS, a, b)  # fmt: skip
        first_round = polled(logs["a"]) + polled(logs["b"])
        assert sorted(first_round) == sorted(ids)  # each feed once, by one scheduler
        assert all(origin.hits(path) == 1 for path in paths)
        assert polled(logs["a"]) and polled(logs["b"])  # both had a share
        assert all(origin.max_active[host] <= PER_HOST for host in HOSTS), origin.max_active
        assert any(origin.max_active[host] == PER_HOST for host in HOSTS)  # the limit was met

        # the second round's answers take 8 s: kill "a" while it holds feeds, mid-poll
        for n, path in enumerate(paths):
            serve_feed(origin, path, items(2000 + n), hang=8.0)  # a new story each

        def a_holds_feeds() -> bool:
            owners = redis_client.hgetall(keys.LEASE_OWNERS)
            return list(owners.values()).count(b"a") >= 2

        wait_until("'a' mid-poll", a_holds_feeds, a, b)
        held = {k.decode() for k, v in redis_client.hgetall(keys.LEASE_OWNERS).items() if v == b"a"}
        a.send_signal(signal.SIGKILL)
        a.wait(30)
        b_before = len(polled(logs["b"]))
        for n, path in enumerate(paths):  # the origin answers at once again
            serve_feed(origin, path, items(2000 + n))
        wait_until(
            "'b' to take over the feeds 'a' held",
            lambda: held <= set(polled(logs["b"])[b_before:]),
            b,
        )
        assert all(origin.max_active[host] <= PER_HOST for host in HOSTS), origin.max_active
    finally:
        for proc in (a, b):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
