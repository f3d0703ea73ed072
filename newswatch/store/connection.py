"""How every process finds and opens the one Redis."""

from __future__ import annotations

from pathlib import Path

import redis

from newswatch.config import Settings

URL_FILE = "redis.url"  # written by `newswatch up` into its data directory


def resolve_redis_url(settings: Settings, data_dir: Path | None = None) -> str:
    """NEWSWATCH_REDIS_URL if set, else the URL a running `newswatch up` wrote to its data
    directory."""
    if settings.redis_url:
        return settings.redis_url
    url_file = (data_dir or settings.data_dir) / URL_FILE
    if url_file.is_file():
        return url_file.read_text().strip()
    raise RuntimeError(
        "no Redis configured: set NEWSWATCH_REDIS_URL, or start `newswatch up` "
        f"(which writes {url_file})"
    )


def connect(url: str) -> redis.Redis:
    """A client with timeouts, so a dead Redis is an error and not a hang."""
    return redis.Redis.from_url(
        url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30
    )
