"""A request's head has a deadline: a client that opens a connection and sends nothing, or
sends its request line and headers a byte at a time (slowloris), gets 408 and loses the
connection after ``api_head_timeout``, on a real uvicorn socket configured as `newswatch api`
configures it; other clients are answered meanwhile."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import redis

from newswatch.api.app import create_app
from newswatch.config import Settings
from tests.support.api import address, serve, until_closed

WAIT = 20  # seconds: a deadline for the answer that is expected, never an assertion
HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"p" * 40 + b"\r\n\r\n"


@pytest.fixture
def base_url(redis_client: redis.Redis) -> Iterator[str]:
    with serve(create_app(redis_client, settings=Settings(api_head_timeout=0.5))) as url:
        yield url


def _connect(base_url: str) -> socket.socket:
    return socket.create_connection(address(base_url), timeout=WAIT)


def _trickle(conn: socket.socket, data: bytes, pause: float) -> None:
    """Send ``data`` a byte at a time until done or the server closes the connection."""
    try:
        for byte in data:
            conn.sendall(bytes([byte]))
            time.sleep(pause)
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_a_connection_that_sends_nothing_is_closed_with_408(base_url: str) -> None:
    with _connect(base_url) as conn:
        answer = until_closed(conn)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"did not arrive within 0.5 seconds" in answer  # the setting's value


def test_a_trickled_head_is_cut_off_while_others_are_served(base_url: str) -> None:
    answers: list[bytes] = []

    def slowloris() -> None:
        with _connect(base_url) as conn:
            _trickle(conn, HEAD, 0.05)  # 80 bytes, one every 0.05 s: 4 s if never cut off
            answers.append(until_closed(conn))

    clients = [threading.Thread(target=slowloris) for _ in range(3)]
    for client in clients:
        client.start()
    with httpx.Client(base_url=base_url, timeout=WAIT) as others:
        assert others.get("/healthz").status_code in (200, 503)  # answered, whatever Redis says
    for client in clients:
        client.join(WAIT)
    assert len(answers) == 3
    assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers), [a[:100] for a in answers]


def test_a_kept_alive_connection_has_the_deadline_for_its_next_head(base_url: str) -> None:
    with _connect(base_url) as conn:
        conn.sendall(HEAD)
        first = b""
        while b"\r\n\r\n" not in first:
            first += conn.recv(4096)
        assert first.startswith(b"HTTP/1.1 "), first[:200]
        assert not first.startswith(b"HTTP/1.1 408 ")
        conn.sendall(HEAD[:20])  # the next request's first bytes, then nothing
        answer = until_closed(conn)
    assert b"HTTP/1.1 408 " in answer, answer[-300:]
