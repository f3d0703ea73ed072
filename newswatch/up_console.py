"""What `newswatch up` shows, and where its processes' logs go.

Every child's output (scheduler, workers, API; rq's and uvicorn's lines included) goes to its
own file in ``DATA_DIR/logs/`` (``scheduler.log``, ``worker-1.log``, ``api.log``; the
supervisor's own lines in ``up.log``), each file rotated to ``.1`` past ``MAX_LOG_BYTES``. On a
terminal the console shows instead one line per alert as it is raised and a status line every
``STATUS_EVERY`` seconds (feeds ok and failing, the article queue, articles and alerts
stored); ``--verbose``, or a stderr that is not a terminal (a container, a service manager),
shows the full logs there too.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import IO, Any

import redis

from newswatch.alerts_cli import format_event_line
from newswatch.census import Census, read_census
from newswatch.core.feed_state import NOT_POLLED, NOT_POLLED_WORDS
from newswatch.store import keys
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.connection import connect

LOG_DIR = "logs"
MAX_LOG_BYTES = 20 * 1024 * 1024
STATUS_EVERY = 30.0  # seconds between status lines on a terminal


class LogFile:
    """An append-only log file rotated to ``NAME.1`` when it grows past ``max_bytes``;
    writes from several threads are serialised."""

    def __init__(self, path: Path, *, max_bytes: int = MAX_LOG_BYTES) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.max_bytes = path, max_bytes
        self._lock = threading.Lock()
        self._file = path.open("ab")

    def write(self, line: bytes) -> None:
        with self._lock:
            self._file.write(line)
            self._file.flush()
            if self._file.tell() > self.max_bytes:
                self._file.close()
                self.path.replace(self.path.with_name(self.path.name + ".1"))
                self._file = self.path.open("ab")

    def close(self) -> None:
        with self._lock:
            self._file.close()


def pump(source: IO[bytes], sink: LogFile, echo: IO[bytes] | None) -> threading.Thread:
    """Copy a child's output line by line into its log file (and to ``echo``) until EOF."""

    def run() -> None:
        with source:
            for line in source:
                sink.write(line)
                if echo is not None:
                    echo.write(line)
                    echo.flush()

    thread = threading.Thread(target=run, name=f"log:{sink.path.name}", daemon=True)
    thread.start()
    return thread


def status_line(census: Census, articles: int, alerts: int, at: float) -> str:
    """``16:20:05  feeds 12 ok, 1 failing, 0 parked · queue 3 · 340 articles · 12 alerts``
    (``, 2 not yet polled`` after ``parked`` while feeds wait for their first poll)."""
    health = census.feeds_by_health
    failing = health.get("failing", 0) + health.get("slow", 0)
    new = health.get(NOT_POLLED, 0)
    queue = sum(jobs.get("queued", 0) for jobs in census.queue_jobs.values())
    clock = time.strftime("%H:%M:%S", time.localtime(at))
    return (
        f"{clock}  feeds {health.get('ok', 0)} ok, {failing} failing, "
        f"{health.get('parked', 0)} parked{f', {new} {NOT_POLLED_WORDS}' if new else ''} · "
        f"queue {queue} · {articles} articles · {alerts} alerts"
    )


class Console:
    """Alert lines and periodic status lines for a terminal, read from Redis on each
    :meth:`tick` (never blocking: a Redis that does not answer skips a tick)."""

    def __init__(self, redis_url: str, out: IO[str], *, every: float = STATUS_EVERY) -> None:
        self.client = connect(redis_url, socket_timeout=2)
        self.out, self.every = out, every
        self.events, self.alerts = AlertEvents(self.client), AlertStore(self.client)
        self.position: str | None = None
        self.next_status = 0.0

    def tick(self, now: float) -> None:
        try:
            if self.position is None:
                self.position = self.events.position()  # alerts from now on
            self.position, batch = self.events.read(self.position, count=100)
            for event in batch:
                alert = self.alerts.get(event.alert_id)
                if alert is not None:
                    self._print(format_event_line(event, alert))
            if now >= self.next_status:
                self.next_status = now + self.every
                self._print(self.status(now))
        except redis.RedisError:
            return

    def status(self, now: float) -> str:
        census = read_census(self.client, now, worst=0)
        articles: Any = self.client.zcard(keys.ARTICLES_BY_TIME)
        return status_line(census, int(articles), self.alerts.count(), now)

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def close(self) -> None:
        self.client.close()
