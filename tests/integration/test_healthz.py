"""/healthz against real processes on the suite's Redis: `newswatch api`, `newswatch
scheduler` and `newswatch worker`. Healthy while a scheduler and a worker send heartbeats;
503, saying which is gone, when every worker or the scheduler is SIGKILLed; healthy again when
one comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from newswatch.embedded_redis import free_port
from tests.support.cli import NEWSWATCH, cli_env

WAIT = 90.0  # seconds; generous for a loaded machine, never asserted
SETTINGS = {"reap_after": "3", "metrics_port": "0", "scheduler_name": "health-test"}


class Processes:
    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.port = free_port()
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, role: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [NEWSWATCH, role],
            env=cli_env(self.redis_url, api_port=str(self.port), **SETTINGS),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def health(self) -> tuple[int, dict[str, Any]]:
        response = httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=5)
        return response.status_code, response.json()

    def wait_health(self, what: str, accept: Callable[[int, dict[str, Any]], bool]) -> Any:
        deadline = time.monotonic() + WAIT
        last: object = None
        while time.monotonic() < deadline:
            try:
                status, body = self.health()
                last = (status, body)
                if accept(status, body):
                    return body
            except httpx.TransportError as exc:
                last = exc
            time.sleep(0.2)
        pytest.fail(f"timed out waiting for {what}; last /healthz: {last!r}")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def processes(redis_url: str) -> Iterator[Processes]:
    running = Processes(redis_url)
    try:
        yield running
    finally:
        running.stop_all()


def _alive(body: dict[str, Any], role: str) -> int:
    return sum(1 for p in body["processes"] if p["role"] == role and p["alive"])


def test_healthz_follows_the_heartbeats_of_the_scheduler_and_the_workers(
    processes: Processes,
) -> None:
    processes.start("api")
    body = processes.wait_health("the API, unhealthy alone", lambda s, b: s == 503)
    assert "no scheduler is running: none has ever sent a heartbeat" in body["reasons"]

    scheduler = processes.start("scheduler")
    worker = processes.start("worker")
    body = processes.wait_health("healthy", lambda s, b: s == 200)
    assert body["status"] == "ok" and body["reasons"] == []
    assert {p["role"] for p in body["processes"]} == {"api", "scheduler", "worker"}
    assert all(p["alive"] and p["last_heartbeat_seconds_ago"] >= 0 for p in body["processes"])

    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    body = processes.wait_health("every worker gone", lambda s, b: s == 503)
    (reason,) = body["reasons"]
    assert reason.startswith("every worker is gone: the last worker heartbeat is ")
    assert _alive(body, "worker") == 0 and _alive(body, "scheduler") == 1

    processes.start("worker")
    processes.wait_health("a new worker", lambda s, b: s == 200)

    os.killpg(scheduler.pid, signal.SIGKILL)
    scheduler.wait(10)
    body = processes.wait_health("the scheduler gone", lambda s, b: s == 503)
    assert [r.split(":")[0] for r in body["reasons"]] == ["every scheduler is gone"]
