"""Drive a real `newswatch up` in a subprocess and read its API."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from newswatch.embedded_redis import free_port

DEADLINE = 120.0  # seconds; generous because CI machines are slow, never asserted


def wait_for(what: str, probe: Callable[[], Any], deadline: float = DEADLINE) -> Any:
    """Poll until probe() returns something truthy; fail naming what we waited for."""
    end = time.monotonic() + deadline
    last_error: Exception | None = None
    while time.monotonic() < end:
        try:
            value = probe()
            if value:
                return value
        except (httpx.HTTPError, redis.RedisError, ValueError, KeyError) as exc:
            last_error = exc
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what} (last error: {last_error!r})")


class Up:
    """A running `newswatch up` and a client for its API."""

    def __init__(
        self,
        config: Path,
        data_dir: Path,
        log: Path,
        *,
        extra_env: dict[str, str] | None = None,
        workers: int = 1,
    ) -> None:
        self.port = free_port()
        env = dict(os.environ)
        env.pop("NEWSWATCH_REDIS_URL", None)
        env.update(
            NEWSWATCH_API_PORT=str(self.port),
            NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",  # the origin is on 127.0.0.1
            NEWSWATCH_ALLOWED_PORTS="1-65535",  # on a free port
            NEWSWATCH_BATCH_LINGER="0.1",
        )
        env.update(extra_env or {})
        self.log = log
        self._log_file = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "up", "--config", str(config),
             "--workers", str(workers), "--data-dir", str(data_dir)],
            env=env, stdout=self._log_file, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as in a terminal
        )  # fmt: skip
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        wait_for("/healthz", lambda: self._alive() and self.http.get("/healthz").status_code == 200)

    def _alive(self) -> bool:
        if self.process.poll() is not None:
            self.http.close()
            self._log_file.close()
            pytest.fail(f"newswatch up exited early:\n{self.log.read_text()[-4000:]}")
        return True

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def feeds(self) -> dict[str, dict[str, Any]]:
        return {f["url"].rsplit("/", 1)[-1]: f for f in self.get("/api/feeds")["feeds"]}

    def metric(self, name: str, **labels: str) -> float:
        text = self.http.get("/metrics").text
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            if all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def descendants(self) -> list[int]:
        """Pids of every process below `newswatch up` (children start their own sessions,
        so walk parent links in /proc)."""
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                parents[int(entry.name)] = ppid
        found, frontier = [], [self.process.pid]
        while frontier:
            pid = frontier.pop()
            kids = [p for p, pp in parents.items() if pp == pid]
            found += kids
            frontier += kids
        return found

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Stop it as an operator would: SIGTERM to the process, or SIGINT to its whole
        process group (what Ctrl-C in a terminal does)."""
        self.http.close()
        if sig == signal.SIGINT:
            os.killpg(self.process.pid, signal.SIGINT)
        else:
            self.process.send_signal(sig)
        try:
            return self.process.wait(60)
        finally:
            self._log_file.close()

    def kill(self) -> None:
        """Crash it: SIGKILL to `newswatch up` and every process under it but Redis (in
        production its own service; here the kernel sends it SIGTERM as its parent dies, and
        it keeps its data), then wait until all of them are gone."""
        self.http.close()
        children = self.descendants()
        redis_servers = [pid for pid in children if b"redis-server" in _cmdline(pid)]
        for pid in [*(p for p in children if p not in redis_servers), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(60)
        self._log_file.close()
        wait_for("every process gone", lambda: not [p for p in children if alive(p)])


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
