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


def test_counters_of_every_process_are_summed_a_dead_ones_included(tmp_path: Path) -> None:
    """What a process counted before it died still counts (the queue depth and other state
    gauges are read from Redis at scrape time: see test_state_metrics.py)."""
    count = (
        "from newswatch import metrics; import os; "
        "metrics.FEED_ITEMS_NEW.inc({n}); print(os.getpid())"
    )
    dead_pid = int(run(count.format(n=2), tmp_path))
    run(f"from newswatch import metrics; metrics.mark_process_dead({dead_pid})", tmp_path)
    run(count.format(n=3), tmp_path)

    exposition = run(
        "from newswatch import metrics; print(metrics.render_latest()[0].decode())", tmp_path
    )
    families = text_string_to_metric_families(exposition)
    (family,) = [f for f in families if f.name == "newswatch_feed_items_new"]
    assert [s.value for s in family.samples if s.name.endswith("_total")] == [5.0]
