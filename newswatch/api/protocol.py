"""The HTTP server's connections: uvicorn's h11 protocol with a deadline on each request's
head, and the uvicorn configuration every server of the API uses.

uvicorn bounds a request head's size (h11's incomplete-event limit, 16 KiB by default) but not
the time it takes to arrive: its only timer is the keep-alive one, armed after a response and
cancelled by the first byte of the next request. A client that opens a connection and sends
nothing, or sends its request line and headers a byte at a time (slowloris), holds the
connection, and its file descriptor, for ever. Here the head of every request (from the
connection's opening, or from the end of the previous response) must be complete within
:data:`HEAD_SECONDS`; otherwise the client gets ``408 Request Timeout`` and the connection is
closed. Bodies have their own deadline where they are read (``api.body.BODY_SECONDS``), and
the server never waits on one client: others are served meanwhile.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_SECONDS = 10.0  # a request line and headers take milliseconds, even on a slow link


def head_too_slow() -> str:
    return f"the request's head did not arrive within {HEAD_SECONDS:g} seconds"


class HeadDeadlineProtocol(H11Protocol):
    """:class:`H11Protocol` whose connections wait at most :data:`HEAD_SECONDS` for a
    request's head."""

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request's head arrived: its cycle has begun
            self._disarm_head_timer()

    def on_response_complete(self) -> None:
        # armed first: the next request may already be buffered (pipelining), and uvicorn
        # handles it from here, which disarms the timer
        self._arm_head_timer()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(HEAD_SECONDS, self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        busy = self.cycle is not None and not self.cycle.response_complete
        if busy or self.transport.is_closing():
            return
        # h11 cannot answer a request it has not seen: the answer is written as bytes
        message = head_too_slow().encode()
        self.transport.write(
            b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(message), message)
        )
        self.transport.close()


def server_config(app: Any, *, host: str, port: int, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the API: h11 with the head deadline (never httptools,
    which has no such seam), no WebSocket (the pages' live events are server-sent)."""
    return uvicorn.Config(
        app, host=host, port=port, http=HeadDeadlineProtocol, ws="none", **options
    )
