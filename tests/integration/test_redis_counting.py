"""The Redis client counts its round trips and commands (newswatch_redis_round_trips_total,
newswatch_redis_commands_total) under the client name it was opened with: a pipeline or a
script is one round trip, a pipeline's commands each count."""

from __future__ import annotations

import pytest
import redis

from newswatch import metrics
from newswatch.config import REDIS_SCHEMES, Settings
from newswatch.store.connection import _Counting, connect


def _counts(client: str) -> tuple[float, float]:
    return (
        metrics.REDIS_ROUND_TRIPS.labels(client)._value.get(),
        metrics.REDIS_COMMANDS.labels(client)._value.get(),
    )


def test_round_trips_and_commands_are_counted_per_client(redis_url: str) -> None:
    client = connect(redis_url, client="worker_articles")
    client.ping()  # the connection's own handshake is counted too: start after it
    before, other_before = _counts("worker_articles"), _counts("worker_queue")

    client.set("k", "v")
    pipe = client.pipeline(transaction=False)
    pipe.get("k")
    pipe.incr("n")
    pipe.expire("n", 60)
    assert pipe.execute() == [b"v", 1, True]
    script = client.register_script("return redis.call('INCR', KEYS[1])")
    assert script(keys=["n"]) == 2  # EVALSHA answered NOSCRIPT, then SCRIPT LOAD, EVALSHA

    now = _counts("worker_articles")
    trips, commands = now[0] - before[0], now[1] - before[1]
    assert trips == 1 + 1 + 3
    assert commands == 1 + 3 + 3
    assert _counts("worker_queue") == other_before
    client.close()


def test_an_unknown_client_name_is_refused(redis_url: str) -> None:
    with pytest.raises(ValueError, match="client must be one of"):
        connect(redis_url, client="worker")


def test_a_url_the_settings_accept_opens_and_is_counted(redis_url: str) -> None:
    """The settings and the connection read the schemes from one list: a scheme written in
    capitals (accepted by the settings, refused by redis-py) is opened and counted."""
    shouted = redis_url.replace("redis://", "REDIS://", 1)
    client = connect(Settings(redis_url=shouted).redis_url or "", client="worker_queue")
    before = _counts("worker_queue")
    assert client.ping()
    assert _counts("worker_queue")[0] > before[0]
    client.close()


@pytest.mark.parametrize("scheme", REDIS_SCHEMES)
def test_every_scheme_the_settings_accept_gets_a_counting_connection(scheme: str) -> None:
    rest = "/run/redis.sock" if scheme == "unix://" else "127.0.0.1:6380/0"
    url = Settings(redis_url=scheme.upper() + rest).redis_url or ""
    pool = connect(url).connection_pool
    expected = redis.connection.parse_url(url).get("connection_class", redis.Connection)
    assert issubclass(pool.connection_class, expected)
    assert issubclass(pool.connection_class, _Counting)  # counts its round trips
