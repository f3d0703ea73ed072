"""`newswatch up` refuses to start, and says why, when it cannot work."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "newswatch.yaml"


def run_up(
    tmp_path: Path, config: Path, workers: int = 1, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "up", "--config", str(config),
         "--data-dir", str(tmp_path / "data"), "--workers", str(workers)],
        env=environment, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_taken_api_port_is_reported_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_up(tmp_path, EXAMPLE, NEWSWATCH_API_PORT=str(port))
    assert result.returncode == 1
    assert f"cannot serve the API on 127.0.0.1:{port}" in result.stderr
    assert "NEWSWATCH_API_PORT" in result.stderr
    assert not (tmp_path / "data" / "redis").exists()  # nothing was started


def test_an_invalid_config_lists_its_problems_and_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(
        "feeds:\n  - url: ftp://example.com/feed\ntopics:\n  - name: x\n    query: (a\n"
    )
    result = run_up(tmp_path, config)
    assert result.returncode == 2
    assert "feeds[0].url" in result.stderr
    assert "topics[0].query" in result.stderr


def test_a_worker_count_out_of_its_range_is_refused_before_anything_starts(
    tmp_path: Path,
) -> None:
    from newswatch.config import MAX_WORKERS

    for workers in (0, -2, MAX_WORKERS + 1):  # -2 started no worker at all; many, a fork bomb
        result = run_up(tmp_path, EXAMPLE, workers=workers)
        assert result.returncode == 2
        assert "Invalid value for '--workers'" in result.stderr
        assert not (tmp_path / "data").exists()  # nothing was started
