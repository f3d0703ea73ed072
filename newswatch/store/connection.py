"""How every process finds and opens the one Redis."""

from __future__ import annotations

from pathlib import Path

import redis
import redis.asyncio as aioredis

from newswatch.config import Settings
from newswatch.core.errors import ConfigError

URL_FILE = "redis.url"  # written by `newswatch up` into its data directory


def resolve_redis_url(settings: Settings, data_dir: Path | None = None) -> str:
    """NEWSWATCH_REDIS_URL if set, else the URL a running `newswatch up` wrote to its data
    directory."""
    if settings.redis_url:
        return settings.redis_url
    url_file = (data_dir or settings.data_dir) / URL_FILE
    if url_file.is_file():
        return url_file.read_text().strip()
    raise ConfigError(
        [
            "no Redis configured: set NEWSWATCH_REDIS_URL, or start `newswatch up` "
            f"(which writes {url_file})"
        ]
    )


def connect(url: str, *, socket_timeout: float = 30.0) -> redis.Redis:
    """A client with timeouts, so a dead Redis is an error and not a hang. Interactive callers
    (the API) pass a shorter ``socket_timeout`` than batch workers."""
    return redis.Redis.from_url(
        url, socket_connect_timeout=5, socket_timeout=socket_timeout, health_check_interval=30
    )


def connect_async(url: str, *, socket_timeout: float = 30.0) -> aioredis.Redis:
    """The asyncio twin of :func:`connect` (the scheduler's event loop never blocks on Redis)."""
    return aioredis.Redis.from_url(
        url, socket_connect_timeout=5, socket_timeout=socket_timeout, health_check_interval=30
    )
