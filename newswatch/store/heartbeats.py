"""Heartbeats in Redis: one hash field per process (``keys.HEARTBEATS``), rewritten every few
seconds; read by ``/healthz``, ``newswatch status`` and the reaper."""

from __future__ import annotations

from typing import Any

import redis

from newswatch.core.liveness import Beat
from newswatch.store import keys

FORGET_AFTER = 24 * 3600  # seconds a dead process's last heartbeat stays on show


class HeartbeatStore:
    def __init__(self, client: redis.Redis):
        self.client = client

    def beat(self, beat: Beat) -> None:
        self.client.hset(keys.HEARTBEATS, beat.key, beat.to_json())

    def remove(self, beat: Beat) -> None:
        """A process that stops cleanly takes its heartbeat away (it is not dead, it is gone)."""
        self.client.hdel(keys.HEARTBEATS, beat.key)

    def all(self) -> list[Beat]:
        stored: dict[Any, Any] = self.client.hgetall(keys.HEARTBEATS)
        beats = (Beat.from_json(raw) for raw in stored.values())
        return [beat for beat in beats if beat is not None]

    def forget_older_than(self, when: float) -> int:
        """Remove the heartbeats last written before ``when``; returns how many."""
        old = [beat.key for beat in self.all() if beat.at < when]
        if old:
            self.client.hdel(keys.HEARTBEATS, *old)
        return len(old)
