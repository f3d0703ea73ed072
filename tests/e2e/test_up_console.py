"""`newswatch up` on a terminal (a real pseudo-terminal): the console shows one line per alert
and status lines, not the processes' logs (rq's per-job lines among them), which go to
DATA_DIR/logs/ whole; with --verbose they are on the console too. Repository fixtures only."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from newswatch.embedded_redis import free_port
from tests.support.origin import Origin, Route, rss
from tests.support.pages import article_page
from tests.support.stories import HEADLINE, PARAGRAPHS
from tests.support.up import DEADLINE

pytestmark = pytest.mark.e2e


@pytest.fixture
def origin() -> Iterator[Origin]:
    site = Origin()
    with site.running():
        page = "/fishing/story.html"
        site.routes[page] = Route(article_page(HEADLINE, PARAGRAPHS, canonical=site.url(page)))
        site.routes["/fishing.xml"] = Route(
            rss("Fishing", [{"title": HEADLINE, "link": site.url(page), "guid": "f1"}]),
            content_type="application/rss+xml",
        )
        yield site


class Terminal:
    """`newswatch up` with its stdout and stderr on a pseudo-terminal; reads what it shows."""

    def __init__(self, config: Path, data_dir: Path, *args: str) -> None:
        master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env.update(
            NEWSWATCH_API_PORT=str(free_port()),
            NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
            NEWSWATCH_ALLOWED_PORTS="1-65535",
            NEWSWATCH_BATCH_LINGER="0.1",
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "up", "--config", str(config),
             "--workers", "1", "--data-dir", str(data_dir), *args],
            env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.shown = ""

    def wait_for(self, text: str) -> str:
        end = time.monotonic() + DEADLINE
        while text not in self.shown:
            if time.monotonic() > end or self.process.poll() is not None:
                pytest.fail(f"never shown: {text!r}; the terminal shows:\n{self.shown[-3000:]}")
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                with contextlib.suppress(OSError):  # the other end closed
                    self.shown += os.read(self.master, 65536).decode(errors="replace")
        return self.shown

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(60)
        finally:
            os.close(self.master)


def config_for(tmp_path: Path, origin: Origin) -> Path:
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "feeds": [{"url": origin.url("/fishing.xml"), "name": "fishing"}],
                "topics": [{"name": "fishing", "query": "fishing AND accord"}],
            }
        )
    )
    return config


def test_a_terminal_shows_alerts_and_status_and_the_logs_go_to_files(
    tmp_path: Path, origin: Origin
) -> None:
    data_dir = tmp_path / "data"
    term = Terminal(config_for(tmp_path, origin), data_dir)
    try:
        term.wait_for(f"[fishing]  {HEADLINE}")  # the alert line
        # the status line after the alert (one every 30 s)
        term.wait_for("  feeds 1 ok, 0 failing, 0 parked · queue 0 · 1 articles · 1 alerts")
    finally:
        code = term.stop()
    assert code == 0, term.shown[-3000:]
    logs = data_dir / "logs"
    worker_log = (logs / "worker-1.log").read_text()
    for rq_line in ("rq.worker: *** Listening on newswatch-articles", "Successfully completed"):
        assert rq_line in worker_log  # rq's lines are kept in the file...
        assert rq_line not in term.shown  # ...and not shown
    assert "alert created" in worker_log and "alert created" not in term.shown
    assert "poll" in (logs / "scheduler.log").read_text()
    assert (logs / "api.log").stat().st_size > 0
    assert "started scheduler" in (logs / "up.log").read_text()
    assert f"logs in {logs}/" in term.shown


def test_verbose_shows_the_full_logs_on_the_terminal(tmp_path: Path, origin: Origin) -> None:
    data_dir = tmp_path / "data"
    term = Terminal(config_for(tmp_path, origin), data_dir, "--verbose")
    try:
        term.wait_for("alert created")
    finally:
        code = term.stop()
    assert code == 0, term.shown[-3000:]
    assert "alert created" in (data_dir / "logs" / "worker-1.log").read_text()
