"""Is this Redis fit to hold newswatch's state? Checked by every process at start.

newswatch keeps its queue, leases, seen items and catalogue in Redis: a Redis that evicts keys
under memory pressure (any ``maxmemory-policy`` but ``noeviction``) drops some of them
silently, and one that persists nothing (AOF off and no RDB snapshots) forgets everything when
it restarts. With ``redis_strict`` (the default) a process refuses such a Redis and says why;
without, it warns, and ``/healthz`` lists the warnings.
"""

from __future__ import annotations

from typing import Any

import redis

from newswatch.config import Settings
from newswatch.core.errors import ConfigError
from newswatch.logs import get_logger

log = get_logger(__name__)


class RedisUnfit(ConfigError):
    """The Redis evicts keys or persists nothing, and ``redis_strict`` is on."""


def _config(client: redis.Redis, name: str) -> str | None:
    """A CONFIG GET value; None when CONFIG is disabled (managed Redis services rename it)."""
    try:
        reply: Any = client.config_get(name)
    except redis.ResponseError:
        return None
    value = reply.get(name)
    return None if value is None else str(value)


def redis_problems(client: redis.Redis) -> list[str]:
    """What makes this Redis unfit (empty: fit). Raises RedisError when it cannot be asked."""
    problems = []
    memory: Any = client.info("memory")
    policy = str(memory.get("maxmemory_policy", "noeviction"))
    if policy != "noeviction":
        problems.append(
            f"Redis's maxmemory-policy is {policy}: it may evict newswatch's keys (queue, "
            "leases, seen items) when memory runs short; set maxmemory-policy noeviction"
        )
    persistence: Any = client.info("persistence")
    aof = bool(int(persistence.get("aof_enabled", 0)))
    save = _config(client, "save")
    if not aof and save is not None and not save.strip():
        problems.append(
            'Redis persists nothing (appendonly no, save ""): a restart loses the catalogue, '
            "the queue and every seen item; turn on appendonly yes"
        )
    return problems


def check_redis(client: redis.Redis, settings: Settings, program: str) -> list[str]:
    """At start: raise :class:`RedisUnfit` (``redis_strict``) or log a warning for each
    problem, and return them. A Redis that does not answer yet is not judged here (the
    process retries; /healthz reports it)."""
    try:
        problems = redis_problems(client)
    except redis.RedisError:
        return []
    if problems and settings.redis_strict:
        raise RedisUnfit(
            [
                f"refusing this Redis: {p} (or set redis_strict: false to only warn)"
                for p in problems
            ]
        )
    for problem in problems:
        log.warning("redis unfit", program=program, problem=problem)
    return problems
