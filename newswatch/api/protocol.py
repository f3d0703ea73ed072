"""The HTTP server's connections: uvicorn's h11 protocol with a deadline on each request's
head and caps on open connections, and the uvicorn configuration every server of the API uses.

uvicorn bounds a request head's size (h11's incomplete-event limit, 16 KiB by default) but not
the time it takes to arrive: its only timer is the keep-alive one, armed after a response and
cancelled by the first byte of the next request. A client that opens a connection and sends
nothing, or sends its request line and headers a byte at a time (slowloris), holds the
connection, and its file descriptor, for ever. Here the head of every request (from the
connection's opening, or from the end of the previous response) must be complete within the
``api_head_timeout`` setting; otherwise the client gets ``408 Request Timeout`` and the
connection is closed. Bodies have their own deadline where they are read (``api.body``), and
the server never waits on one client: others are served meanwhile.

Many slow clients at once would still hold a file descriptor each until their deadline, and
once the process runs out of them the server stops accepting anyone. So a connection is
refused at once (``503 Service Unavailable``, then closed) when its client address already has
``api_max_connections_per_client`` open, or the server ``api_max_connections``: a flood from
one address leaves other clients served. (uvicorn's own ``limit_concurrency`` answers 503 only
once a request's head has arrived, which a slow client never completes.)

Closing a socket while the client's request is still unread makes the kernel answer with a
reset, which can throw away the 503 or 408 before the client reads it: most clients send their
request as soon as they connect. So such an answer is followed by a *lingering close*: the
sending side is shut (the client reads the answer, then the end), what the client still sends
is read and dropped, and the connection is closed when the client closes its side or after
:data:`LINGER_SECONDS` at most. A lingering connection does not count against the caps.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from newswatch.config import Settings

LINGER_SECONDS = 1.0  # a refused or timed-out connection waits this long for the client to close


@dataclasses.dataclass(frozen=True)
class ConnectionLimits:
    """What one connection may hold: the time for a request's head, and the connections
    open at once, in all and per client address (the ``api_*`` settings)."""

    head_seconds: float
    max_connections: int
    max_per_client: int

    @classmethod
    def of(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            head_seconds=settings.api_head_timeout,
            max_connections=settings.api_max_connections,
            max_per_client=settings.api_max_connections_per_client,
        )


def head_too_slow(seconds: float) -> str:
    return f"the request's head did not arrive within {seconds:g} seconds"


class HeadDeadlineProtocol(H11Protocol):
    """:class:`H11Protocol` whose connections wait at most ``limits.head_seconds`` for a
    request's head, refused when too many are open (see the module doc). Use
    :meth:`with_limits` for a class that carries its limits (uvicorn makes the instances)."""

    limits: ConnectionLimits
    _head_timer: asyncio.TimerHandle | None = None
    _linger_timer: asyncio.TimerHandle | None = None  # set: answered, draining until closed

    @classmethod
    def with_limits(cls, limits: ConnectionLimits) -> type[HeadDeadlineProtocol]:
        return type(cls.__name__, (cls,), {"limits": limits})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # counted in self.connections from here
        refusal = self._refusal()
        if refusal is not None:
            self._answer_and_close(b"503 Service Unavailable", refusal)
            return
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self._linger_timer is None:
            super().data_received(data)
        # else: answered already; what the client still sends is dropped (lingering close)

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
        if self._linger_timer is not None:
            self._linger_timer.cancel()
        super().connection_lost(exc)

    def _refusal(self) -> str | None:
        """Why this new connection is one too many, or None."""
        counted = [c for c in self.connections if not _lingering(c)]
        total, cap = len(counted), self.limits.max_per_client
        if total > cap and self.client is not None:  # under the cap in all: under it per client
            host = self.client[0]
            here = sum(1 for c in counted if _client_host(c) == host)
            if here > cap:
                return f"too many connections from your address: {here - 1} open, at most {cap}"
        if total > self.limits.max_connections:
            most = self.limits.max_connections
            return f"the server has too many connections open (at most {most})"
        return None

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self.limits.head_seconds, self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        busy = self.cycle is not None and not self.cycle.response_complete
        if busy or self.transport.is_closing():
            return
        self._answer_and_close(b"408 Request Timeout", head_too_slow(self.limits.head_seconds))

    def _answer_and_close(self, status: bytes, text: str) -> None:
        # h11 cannot answer a request it has not seen: the answer is written as bytes
        message = text.encode()
        self.transport.write(
            b"HTTP/1.1 %s\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
            b"content-length: %d\r\n\r\n%s" % (status, len(message), message)
        )
        if not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()  # the answer, then the end: the client reads both
        # closed when the client closes (eof_received's default) or at the deadline
        self._linger_timer = self.loop.call_later(LINGER_SECONDS, self.transport.close)


def _lingering(protocol: object) -> bool:
    return getattr(protocol, "_linger_timer", None) is not None


def _client_host(protocol: object) -> str | None:
    client = getattr(protocol, "client", None)  # (host, port), or None for a Unix socket
    return str(client[0]) if client else None


def server_config(
    app: Any, *, settings: Settings, host: str, port: int, **options: Any
) -> uvicorn.Config:
    """uvicorn's configuration for the API: h11 with the head deadline and the connection
    caps of ``settings`` (never httptools, which has no such seam), no WebSocket (the pages'
    live events are server-sent)."""
    protocol = HeadDeadlineProtocol.with_limits(ConnectionLimits.of(settings))
    return uvicorn.Config(app, host=host, port=port, http=protocol, ws="none", **options)
