"""A request body has a deadline as well as a byte cap: a client that declares a body and
sends it slower than ``api_body_timeout`` (or never) gets 408, on a real uvicorn socket, instead
of holding its connection and a task for ever."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import redis

from newswatch.api.app import create_app
from newswatch.api.auth import AccessPolicy
from newswatch.config import Settings
from tests.support import api
from tests.support.api import serve

TOKEN = "t0ken-for-the-deadline-tests-0123"
WAIT = 20  # seconds: a deadline for the answer that is expected, never an assertion


@pytest.fixture
def address(redis_client: redis.Redis) -> Iterator[tuple[str, int]]:
    policy = AccessPolicy(TOKEN, reads_open=True, token_hint="set a token")
    settings = Settings(api_body_timeout=0.5)
    with serve(create_app(redis_client, settings=settings, policy=policy)) as base_url:
        yield api.address(base_url)


def _answer_to_a_trickle(address: tuple[str, int], head: str, sent: bytes) -> bytes:
    """Send ``head`` declaring a 100-byte body, then only ``sent`` of it; the answer."""
    with socket.create_connection(address, timeout=WAIT) as conn:
        conn.sendall(f"{head}Host: 127.0.0.1\r\nContent-Length: 100\r\n\r\n".encode() + sent)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer


def test_a_json_body_that_does_not_arrive_is_refused_with_408(address: tuple[str, int]) -> None:
    head = (
        f"POST /api/topics HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\n"
    )
    answer = _answer_to_a_trickle(address, head, b'{"name": "sum')
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]


def test_a_web_form_that_does_not_arrive_is_refused_with_408(address: tuple[str, int]) -> None:
    head = "POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    answer = _answer_to_a_trickle(address, head, b"csrf=abc&tok")
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
