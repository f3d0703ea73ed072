"""`make up` on a fresh machine: the shipped example configuration runs, every feed reports
what happened to it (here, with no internet, its connection error), nothing crashes, and
Ctrl-C stops everything."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import yaml

from tests.support.up import Up, alive, wait_for

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "newswatch.yaml"


def test_example_config_runs_and_reports_every_feed(tmp_path: Path) -> None:
    configured = {feed["url"] for feed in yaml.safe_load(EXAMPLE.read_text())["feeds"]}
    log = tmp_path / "up.log"
    # the real fetch policy: private addresses refused, as in production
    up = Up(
        EXAMPLE, tmp_path / "data", log, extra_env={"NEWSWATCH_ALLOW_PRIVATE_NETWORKS": "false"}
    )
    try:
        feeds = wait_for(
            "every example feed polled once",
            lambda: (
                (f := up.get("/api/feeds")["feeds"])
                and all(s.get("last_polled_at") for s in f)
                and f
            ),
        )
        assert {f["url"] for f in feeds} == configured
        for feed in feeds:
            # online the feed works; offline (CI) it must say why it does not
            assert feed["last_status"] in {"ok", "error"}, feed
            if feed["last_status"] == "error":
                assert feed["last_error"] and feed["error_reason"], feed
                assert feed["consecutive_errors"] == 1
                assert feed["next_poll_at"] > feed["last_polled_at"]  # backed off, not spinning
        assert up.get("/healthz")["status"] == "ok"
        assert up.process.poll() is None

        # a crashed child is restarted by the supervisor
        (worker,) = [p for p in up.descendants() if b"worker" in cmdline(p)][:1]
        os.kill(worker, signal.SIGKILL)
        wait_for("the killed worker restarted", lambda: "restarted worker-" in log.read_text())
        assert [p for p in up.descendants() if b"worker" in cmdline(p) and alive(p)]
        children = up.descendants()
    finally:
        code = up.stop(signal.SIGINT)  # Ctrl-C in a terminal: SIGINT to the process group
    assert code == 0, log.read_text()[-4000:]
    assert "stopped" in log.read_text()
    assert not [pid for pid in children if alive(pid)]


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
