"""Metrics under `newswatch up`: every process writes to PROMETHEUS_MULTIPROC_DIR and the
API serves the sum (real child processes, as the supervisor runs them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families


def run(code: str, multiproc_dir: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_queue_depth_of_a_dead_scheduler_is_forgotten(tmp_path: Path) -> None:
    """A scheduler that saw a deep queue, then died and was replaced, must not pin the gauge
    at its last reading forever."""
    set_depth = (
        "import os; from newswatch import metrics; metrics.QUEUE_DEPTH.set({n}); print(os.getpid())"
    )
    dead_pid = int(run(set_depth.format(n=500), tmp_path))
    run(f"from newswatch import metrics; metrics.mark_process_dead({dead_pid})", tmp_path)
    run(set_depth.format(n=3), tmp_path)  # the restarted scheduler, still running

    exposition = run(
        "from newswatch import metrics; print(metrics.render_latest()[0].decode())", tmp_path
    )
    (family,) = [
        f for f in text_string_to_metric_families(exposition) if f.name == "newswatch_queue_depth"
    ]
    assert [sample.value for sample in family.samples] == [3.0]
