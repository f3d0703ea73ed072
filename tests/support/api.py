"""The HTTP API served by a real uvicorn (configured as `newswatch api` configures it) on a
free 127.0.0.1 port, in a thread, and what tests speaking raw HTTP to it on a socket share."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette

from newswatch.api.protocol import server_config


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Run the app in a real uvicorn server on a free 127.0.0.1 port; yields its base URL."""
    config = server_config(
        app,
        settings=app.state.settings,  # the app's, as `newswatch api` passes the same to both
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def address(base_url: str) -> tuple[str, int]:
    """The (host, port) of a server's base URL, as a socket connects to it."""
    parts = urlsplit(base_url)
    return parts.hostname or "", parts.port or 0


def until_closed(conn: socket.socket) -> bytes:
    """Everything the server sends on ``conn`` until it closes the connection."""
    received = b""
    while chunk := conn.recv(4096):
        received += chunk
    return received
