"""Shared fixtures: a private Redis per test session (never the machine's 6379), a clean
keyspace per test, a local origin, and the location of the shared corpora."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from newswatch.embedded_redis import EmbeddedRedis
from tests.support.origin import Origin

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))  # AOF: fit for redis_strict
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: EmbeddedRedis) -> Iterator[str]:
    """The URL of the suite's own Redis, emptied before each test (it is ours alone)."""
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    yield redis_server.url


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(
            f"shared corpora not found at {CORPORA}: set NEWSWATCH_CORPORA to the corpora folder"
        )
    return CORPORA


@pytest.fixture
def keep_signal_handlers() -> Iterator[None]:
    """rq installs SIGINT/SIGTERM handlers for warm shutdown; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def origin() -> Iterator[Origin]:
    """A local HTTP origin for the test (a module needing routes at start defines its own)."""
    with Origin().running() as server:
        yield server
