"""Open connections are capped, per client address and in all: a flood of slow connections
(each with its request head begun and never finished) from one address cannot hold every file
descriptor, clients from other addresses are still served, and a connection beyond a cap is
answered 503 at once, saying which cap; on real uvicorn sockets configured as `newswatch api`
configures them (127.0.0.2 is another client address on the loopback)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import redis

from newswatch.api.app import create_app
from newswatch.config import Settings
from tests.support.api import address, serve, until_closed

WAIT = 20  # seconds: a deadline for the answer that is expected, never an assertion
PARTIAL_HEAD = b"GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\n"  # and then nothing more
HEAD = PARTIAL_HEAD + b"Connection: close\r\n\r\n"


def _connect(address: tuple[str, int], source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(address, timeout=WAIT, source_address=(source, 0))


def _answer(conn: socket.socket, request: bytes = b"") -> bytes:
    """Everything the server sends until it closes the connection (after ``request``)."""
    if request:
        conn.sendall(request)
    return until_closed(conn)


def _request(address: tuple[str, int], source: str) -> bytes:
    with _connect(address, source) as conn:
        return _answer(conn, HEAD)


def _slow(stack: ExitStack, address: tuple[str, int], count: int) -> None:
    """``count`` connections from 127.0.0.1, each with a head begun and never finished."""
    for _ in range(count):
        stack.enter_context(_connect(address)).sendall(PARTIAL_HEAD)


@contextmanager
def _api(redis_client: redis.Redis, **caps: int) -> Iterator[tuple[str, int]]:
    """The API with ``caps`` (whose slow connections outlive the test), and its address."""
    settings = Settings(api_head_timeout=120.0, **caps)
    with serve(create_app(redis_client, settings=settings)) as base_url:
        yield address(base_url)


def _unasked(address: tuple[str, int], source: str = "127.0.0.1") -> bytes:
    """What a new connection that sends nothing is told."""
    with _connect(address, source) as conn:
        return _answer(conn)


def test_one_address_is_capped_and_the_others_are_served(redis_client: redis.Redis) -> None:
    with _api(redis_client, api_max_connections_per_client=3, api_max_connections=100) as address:
        with ExitStack() as slow:
            _slow(slow, address, 3)
            refused = _unasked(address)  # the fourth from 127.0.0.1
            assert refused.startswith(b"HTTP/1.1 503 "), refused[:200]
            assert b"too many connections from your address: 3 open, at most 3" in refused
            other = _request(address, "127.0.0.2")
            assert other.startswith(b"HTTP/1.1 200 "), other[:200]
        # the slow ones closed: the address is served again, once the server has seen it
        deadline = time.monotonic() + WAIT
        while not (again := _request(address, "127.0.0.1")).startswith(b"HTTP/1.1 200 "):
            assert time.monotonic() < deadline, again[:200]
            time.sleep(0.05)


def test_the_server_is_capped_in_all(redis_client: redis.Redis) -> None:
    caps = {"api_max_connections": 3, "api_max_connections_per_client": 3}  # at most the total
    with _api(redis_client, **caps) as address, ExitStack() as slow:
        _slow(slow, address, 3)
        refused = _unasked(address, "127.0.0.2")
    assert refused.startswith(b"HTTP/1.1 503 "), refused[:200]
    assert b"the server has too many connections open (at most 3)" in refused


def test_a_refused_client_that_sent_its_request_reads_the_answer(
    redis_client: redis.Redis,
) -> None:
    """A client sends its request as soon as it connects (most do): closing a socket whose
    request is still unread makes the kernel send a reset, which can discard the 503 before
    the client reads it. The refusal must arrive whole, every time."""
    caps = {"api_max_connections": 100, "api_max_connections_per_client": 1}
    with _api(redis_client, **caps) as address, ExitStack() as slow:
        _slow(slow, address, 1)
        for _ in range(20):
            with _connect(address) as conn:
                refused = _answer(conn, HEAD + b"x" * 4096)
            assert refused.startswith(b"HTTP/1.1 503 "), refused[:200]


def test_a_refused_client_that_keeps_sending_is_closed(redis_client: redis.Redis) -> None:
    """What a refused client still sends is read and dropped for a moment only
    (``LINGER_SECONDS``): a client that never stops sending is then closed."""
    caps = {"api_max_connections": 100, "api_max_connections_per_client": 1}
    with _api(redis_client, **caps) as address, ExitStack() as slow:
        _slow(slow, address, 1)
        with _connect(address) as conn:
            deadline = time.monotonic() + WAIT
            try:
                while time.monotonic() < deadline:
                    conn.sendall(b"x" * 65536)
                    time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                pass
            assert time.monotonic() < deadline, "the refused connection was never closed"
