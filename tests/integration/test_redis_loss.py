"""Issue 11's Redis rows with real processes and real redis-servers: a Redis restarted empty
under a running scheduler gets its catalogue back from the scheduler's file (feeds polled
again, /api/feeds not empty); without a file the loss makes /healthz 503 with the reason; an
evicting or non-persisting Redis is refused at start (redis_strict) or warned about."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from newswatch.core.catalog import Catalog, Feed
from newswatch.embedded_redis import EmbeddedRedis, find_redis_server, free_port
from newswatch.store.catalog import CatalogStore
from tests.support.cli import NEWSWATCH, cli_env
from tests.support.origin import Origin
from tests.support.scheduling import items, serve_feed
from tests.support.up import wait_for as support_wait_for

# seconds; generous for a loaded machine (at load 10 on 2 cores 90 s was not enough), never asserted
WAIT = 180.0
SETTINGS = {
    "reap_after": "3",
    "metrics_port": "0",
    "allow_private_networks": "true",
    "allowed_ports": "1-65535",
    "redis_strict": "false",  # these Redis persist nothing on purpose
}


class Deployment:
    """Processes against one Redis that a test can restart empty."""

    def __init__(self, tmp_path: Path) -> None:
        self.redis = EmbeddedRedis(tmp_path / "redis", persist=False).start()
        self.api_port = free_port()
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [NEWSWATCH, *args],
            env=cli_env(self.redis.url, api_port=str(self.api_port), **SETTINGS),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def restart_redis_empty(self) -> None:
        self.redis.stop()  # no AOF, no RDB: everything is gone
        self.redis = EmbeddedRedis(self.redis.data_dir, port=self.redis.port, persist=False)
        self.redis.start()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis.url)

    def api(self, path: str) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.api_port}{path}", timeout=5)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.redis.stop()


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    running = Deployment(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def wait_for(what: str, probe: Callable[[], Any]) -> Any:
    return support_wait_for(what, probe, deadline=WAIT)


def test_a_redis_restarted_empty_gets_the_catalogue_back_from_the_schedulers_file(
    deployment: Deployment, origin: Origin, tmp_path: Path
) -> None:
    serve_feed(origin, "/feed.xml", items(1))
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"feeds:\n  - url: {origin.url('/feed.xml')}\n    name: local\n")
    deployment.start("scheduler", "--config", str(config))
    deployment.start("api")
    wait_for("the first poll", lambda: origin.hits("/feed.xml") >= 1)
    wait_for("the feed in the API", lambda: deployment.api("/api/feeds").json()["feeds"])
    before = CatalogStore(deployment.client()).generation()
    polls = origin.hits("/feed.xml")

    deployment.restart_redis_empty()  # the processes may write again at once: a new
    # generation below, not an empty Redis here, is what shows the catalogue was lost

    # the feed's interval is minutes: only a catalogue published again polls it again now
    wait_for("the feed polled again", lambda: origin.hits("/feed.xml") > polls)
    feeds = wait_for("the feed in the API", lambda: deployment.api("/api/feeds").json()["feeds"])
    assert [f["url"] for f in feeds] == [origin.url("/feed.xml")]
    after = CatalogStore(deployment.client()).generation()
    assert after is not None and after != before


def test_without_a_file_a_lost_catalogue_makes_healthz_unhealthy_and_says_why(
    deployment: Deployment, origin: Origin
) -> None:
    CatalogStore(deployment.client()).apply(
        Catalog(feeds=(Feed(url=origin.url("/feed.xml")),)), owner="test"
    )
    for role in ("scheduler", "worker", "api"):
        deployment.start(role)
    healthy = wait_for("healthy", lambda: deployment.api("/healthz").status_code == 200)
    assert healthy
    body = deployment.api("/healthz").json()
    # redis_strict is off: the Redis that persists nothing is a warning, shown
    (warning,) = body["warnings"]
    assert warning.startswith("Redis persists nothing")

    deployment.restart_redis_empty()

    def lost() -> Any:
        response = deployment.api("/healthz")
        body = response.json()
        roles = {r.split(" ")[0] for r in body["reasons"] if "the catalogue is gone" in r}
        # each process says so itself, once its heartbeat is back in the new Redis
        return response.status_code == 503 and roles == {"scheduler", "worker", "api"} and body

    body = wait_for("healthz to report the loss from every process", lost)
    assert "newswatch apply --config FILE" in body["error"]
    assert all("the catalogue is gone" in r for r in body["reasons"])


class RawRedis:
    """A redis-server started with the given flags (the way an operator might run one)."""

    def __init__(self, tmp_path: Path, *flags: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [find_redis_server(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(tmp_path), *flags],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.url = f"redis://127.0.0.1:{self.port}/0"
        client = redis.Redis.from_url(self.url)
        wait_for("redis-server", client.ping)
        client.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.mark.parametrize(
    ("flags", "problem"),
    [
        (("--maxmemory-policy", "allkeys-lru", "--appendonly", "yes", "--save", ""),
         "Redis's maxmemory-policy is allkeys-lru"),
        (("--appendonly", "no", "--save", ""), "Redis persists nothing"),
    ],
)  # fmt: skip
def test_an_unfit_redis_is_refused_with_redis_strict_and_warned_about_without(
    tmp_path: Path, flags: tuple[str, ...], problem: str
) -> None:
    server = RawRedis(tmp_path, *flags)
    try:
        base = {"metrics_port": "0"}
        for role in (["worker", "--burst"], ["scheduler"], ["api"]):
            refused = subprocess.run(
                [NEWSWATCH, *role], env=cli_env(server.url, **base),
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert refused.returncode == 2, role
            assert f"refusing this Redis: {problem}" in refused.stderr, role
            assert "redis_strict: false" in refused.stderr  # and how to only warn

        warned = subprocess.run(
            [NEWSWATCH, "worker", "--burst"],
            env=cli_env(server.url, redis_strict="false", log_format="json", **base),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert warned.returncode == 0
        assert problem in warned.stderr and '"redis unfit"' in warned.stderr

        config = tmp_path / "newswatch.yaml"
        config.write_text("feeds: []\n")
        up = subprocess.run(
            [NEWSWATCH, "up", "--config", str(config), "--data-dir", str(tmp_path / "data")],
            env=cli_env(server.url, api_port=str(free_port()), **base),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert up.returncode == 1
        assert f"refusing this Redis: {problem}" in up.stderr
    finally:
        server.stop()
