"""Redis that lost its data: noticed, and the catalogue published again.

The catalogue's generation (``keys.CATALOG_GENERATION``) is set when a catalogue is first
written into a Redis. A process that has seen it and then finds it gone is talking to a Redis
that restarted empty (no persistence, a lost volume, a FLUSHALL): without the catalogue every
scheduler polls nothing, for good. A process started with a configuration file (``newswatch
up``, ``newswatch scheduler --config``) applies that file again; one without says so in its
heartbeat, which ``/healthz`` turns into a 503 with the reason.
"""

from __future__ import annotations

from pathlib import Path

import redis

from newswatch.applying import apply_config, summary
from newswatch.config_file import WatchConfig
from newswatch.logs import get_logger
from newswatch.store.catalog import CatalogStore

log = get_logger(__name__)

LOST = (
    "the catalogue is gone from Redis (it lost its data: restarted empty?) and this process "
    "has no configuration file to publish it again: run `newswatch apply --config FILE`"
)


class CatalogGuard:
    """``guard(now)`` on every heartbeat; ``problem()`` for the heartbeat."""

    def __init__(
        self, client: redis.Redis, config: WatchConfig | None = None, path: Path | None = None
    ) -> None:
        self.catalog = CatalogStore(client)
        self.client = client
        self.config: WatchConfig | None = config if path is not None else None
        self.path: Path | None = path if config is not None else None
        self.seen: str | None = None  # the generation seen last
        self.lost = False
        self.republished = 0

    def __call__(self, now: float) -> None:
        generation = self.catalog.generation()
        if generation is not None:
            self.seen, self.lost = generation, False
            return
        if self.seen is None:
            return  # never had one: a new deployment, nothing was lost
        if self.config is None or self.path is None:
            if not self.lost:
                log.error("catalogue lost", reason="redis_lost_data", problem=LOST)
            self.lost = True
            return
        plan = apply_config(self.client, self.config, self.path)
        self.republished += 1
        self.seen, self.lost = self.catalog.generation(), False
        log.warning(
            "catalogue lost with Redis's data, published again",
            reason="redis_lost_data",
            path=str(self.path),
            changes=summary(plan),
        )

    def problem(self) -> str:
        return LOST if self.lost else ""
