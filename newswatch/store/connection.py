"""How every process finds and opens the one Redis.

A blocking client counts what it sends (``newswatch_redis_round_trips_total`` and
``newswatch_redis_commands_total``, under the ``client`` name it was opened with): a round trip
is one request answered, whether it carries one command, a pipeline or a script.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.connection import parse_url

from newswatch import metrics
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


# the ``client`` label values (a closed set: see the metrics catalogue in the README)
CLIENTS = ("worker_articles", "worker_queue", "worker_background", "other")


class _Counting:
    """Mixed into a redis-py connection class: counts its round trips and commands under the
    ``client`` its pool was opened with."""

    def __init__(self, *, client: str = "other", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._round_trips = metrics.REDIS_ROUND_TRIPS.labels(client)
        self._commands = metrics.REDIS_COMMANDS.labels(client)

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        self._round_trips.inc()
        super().send_packed_command(command, check_health)  # type: ignore[misc]

    def send_command(self, *args: Any, **kwargs: Any) -> None:
        self._commands.inc()
        super().send_command(*args, **kwargs)  # type: ignore[misc]

    def pack_commands(self, commands: Any) -> Any:
        commands = list(commands)
        self._commands.inc(len(commands))
        return super().pack_commands(commands)  # type: ignore[misc]


class _CountingTCP(_Counting, redis.Connection):
    pass


class _CountingTLS(_Counting, redis.SSLConnection):
    pass


class _CountingUnix(_Counting, redis.UnixDomainSocketConnection):
    pass


# keyed by the class redis-py picks for a URL's scheme: the schemes themselves are
# newswatch.config.REDIS_SCHEMES, and redis-py's parse_url is what reads them
_COUNTING: dict[type, type[_Counting]] = {
    redis.Connection: _CountingTCP,
    redis.SSLConnection: _CountingTLS,
    redis.UnixDomainSocketConnection: _CountingUnix,
}


def connect(url: str, *, socket_timeout: float = 30.0, client: str = "other") -> redis.Redis:
    """A client with timeouts, so a dead Redis is an error and not a hang. Interactive callers
    (the API) pass a shorter ``socket_timeout`` than batch workers. ``client`` (one of
    :data:`CLIENTS`) names it in the Redis round-trip metrics."""
    if client not in CLIENTS:
        raise ValueError(f"client must be one of {', '.join(CLIENTS)}, got {client!r}")
    # a scheme redis-py does not open raises its ValueError, which names the ones it does
    base = parse_url(url).get("connection_class", redis.Connection)  # type: ignore[no-untyped-call]
    pool = redis.ConnectionPool.from_url(
        url,
        socket_connect_timeout=5,
        socket_timeout=socket_timeout,
        health_check_interval=30,
        connection_class=_COUNTING[base],
        client=client,
    )
    return redis.Redis(connection_pool=pool)


def connect_async(url: str, *, socket_timeout: float = 30.0) -> aioredis.Redis:
    """The asyncio twin of :func:`connect` (the scheduler's event loop never blocks on Redis)."""
    return aioredis.Redis.from_url(
        url, socket_connect_timeout=5, socket_timeout=socket_timeout, health_check_interval=30
    )
