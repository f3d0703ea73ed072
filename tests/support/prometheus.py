"""A real Prometheus (Debian's `prometheus` package) started by a test on a free loopback port,
scraping the targets it is given and evaluating the shipped rules, with a client for its HTTP
API."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from newswatch.embedded_redis import free_port
from tests.support.up import wait_for


def prometheus_binary(fallback: Path = Path("/usr/bin/prometheus")) -> str:
    """The prometheus server (on PATH, else Debian's location); missing, it fails the test
    (never a skip: the proof of the dashboard would silently vanish)."""
    found = shutil.which("prometheus") or (str(fallback) if fallback.is_file() else None)
    if found is None:
        pytest.fail(
            "prometheus not found: install Debian's 'prometheus' package "
            "(apt-get install --no-install-recommends prometheus); `make test` installs it as root",
            pytrace=False,
        )
    return found


class QueryError(Exception):
    """Prometheus refused a query (parse or evaluation error): its own words."""


class Prometheus:
    """A running Prometheus and a client for its query API."""

    def __init__(self, workdir: Path, targets: dict[str, str], rule_files: list[Path]) -> None:
        """``targets``: job name -> host:port serving /metrics. Scrapes and rule evaluations
        run every second, so a test sees rates after a few seconds."""
        self.port = free_port()
        self.log = workdir / "prometheus.log"
        config = {
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s",
                       "evaluation_interval": "1s"},
            "rule_files": [str(path) for path in rule_files],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": [target]}]}
                for job, target in targets.items()
            ],
        }  # fmt: skip
        config_path = workdir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [prometheus_binary(), f"--config.file={config_path}",
             f"--storage.tsdb.path={workdir / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self._log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        wait_for("Prometheus ready", self._ready, deadline=60)

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"prometheus exited early:\n{self.log.read_text()[-3000:]}")
        return self.http.get("/-/ready").status_code == 200

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query now; its result vector (a scalar comes back as one sample)."""
        response = self.http.get("/api/v1/query", params={"query": expr})
        body = response.json()
        if body.get("status") != "success":
            raise QueryError(f"{body.get('errorType')}: {body.get('error')}")
        data = body["data"]
        if data["resultType"] == "scalar":
            return [{"metric": {}, "value": data["result"]}]
        if data["resultType"] != "vector":
            raise QueryError(f"{expr!r} is a {data['resultType']}, not an instant vector")
        return list(data["result"])

    def targets_up(self) -> bool:
        active = self.http.get("/api/v1/targets").json()["data"]["activeTargets"]
        return bool(active) and all(t["health"] == "up" for t in active)

    def rule_groups(self) -> list[dict[str, Any]]:
        return list(self.http.get("/api/v1/rules").json()["data"]["groups"])

    def scraped_once_more(self) -> None:
        """Wait until every target has been scraped after this call (the timestamp of each
        ``up`` sample is its scrape's), so what the targets exposed a moment ago is stored."""
        since = time.time()

        def later() -> bool:
            stamps = [float(s["value"][1]) for s in self.query("timestamp(up)")]
            return bool(stamps) and min(stamps) > since + 0.5

        wait_for("a fresh scrape of every target", later, deadline=60)

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()


@contextlib.contextmanager
def running_prometheus(
    workdir: Path, targets: dict[str, str], rule_files: list[Path]
) -> Iterator[Prometheus]:
    server = Prometheus(workdir, targets, rule_files)
    try:
        yield server
    finally:
        server.stop()
