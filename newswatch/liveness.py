"""A process's heartbeat: a thread that writes :class:`~newswatch.core.liveness.Beat` to
Redis every few seconds and runs the process's periodic guards on the same beat (the reaper,
the catalogue check). It has its own Redis client, and a Redis outage only makes it log once
and keep trying, so it comes back by itself when Redis does.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable

import redis

from newswatch.core.liveness import Beat, beat_interval
from newswatch.logs import get_logger
from newswatch.store.heartbeats import FORGET_AFTER, HeartbeatStore

log = get_logger(__name__)

Guard = Callable[[float], object]  # called with the time on every beat (result unused)


class Heartbeat:
    """``Heartbeat(client, "worker", name, reap_after=...)``; ``start()``, ``stop()``.

    ``problem`` returns what this process finds wrong (shown by ``/healthz``); ``guards`` run
    after every beat (each failure is logged, none stops the beat)."""

    def __init__(
        self,
        client: redis.Redis,
        role: str,
        name: str,
        *,
        reap_after: float,
        guards: list[Guard] | None = None,
        problem: Callable[[], str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = HeartbeatStore(client)
        self.role = role
        self.name = name
        self.interval = beat_interval(reap_after)
        self.guards = list(guards or [])
        self.problem = problem or (lambda: "")
        self.clock = clock
        self.started_at = clock()
        self.beats = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"newswatch-heartbeat-{role}",
                                        daemon=True)  # fmt: skip
        self._failing = False

    def current(self) -> Beat:
        return Beat(
            role=self.role,
            name=self.name,
            host=socket.gethostname(),
            pid=os.getpid(),
            at=self.clock(),
            started_at=self.started_at,
            problem=self.problem(),
        )

    def beat_once(self) -> None:
        """One beat and the guards (the thread calls this; tests and start-up may too)."""
        now = self.clock()
        try:
            self.store.beat(self.current())
            if self.beats % 100 == 0:
                self.store.forget_older_than(now - FORGET_AFTER)
            self.beats += 1
            if self._failing:
                log.info("heartbeat written again", role=self.role, name=self.name)
            self._failing = False
        except redis.RedisError as exc:
            if not self._failing:
                log.error("heartbeat not written, retrying", role=self.role, error=str(exc))
            self._failing = True
            return
        for guard in self.guards:
            try:
                guard(now)
            except redis.RedisError as exc:
                log.error("guard failed", guard=_name(guard), error=str(exc))
            except Exception:
                log.exception("guard failed", guard=_name(guard))

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.beat_once()
            self._stop.wait(self.interval)

    def stop(self, *, remove: bool = True) -> None:
        """Stop beating; ``remove``: take the heartbeat away (a clean stop is not a death)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        if remove:
            with contextlib.suppress(redis.RedisError):
                self.store.remove(self.current())


def _name(guard: Guard) -> str:
    return str(getattr(guard, "__qualname__", guard))
