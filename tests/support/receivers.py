"""Real receivers on 127.0.0.1 for the delivery tests: a webhook receiver that verifies
Standard Webhooks signatures and answers from a script, and an SMTP sink (aiosmtpd)."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from newswatch.core.signing import verify


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    drip: float = 0.0  # seconds between two bytes of the answer, headers included (a trickle)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    at: float
    status: int  # what the receiver answered


class WebhookReceiver:
    """Answers each POST with the next reply of ``script`` (then 200), after checking its
    signature with ``secret``. A bad signature is answered 401 and counted."""

    def __init__(self, secret: str, script: list[Reply] | None = None) -> None:
        self.secret = secret
        self.script = list(script or [])
        self.received: list[Received] = []
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def ids(self) -> list[str]:
        with self._lock:
            return [r.headers.get("webhook-id", "") for r in self.received]

    def accepted(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.status == 200]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        with self._lock:
            raise AssertionError(f"expected {count} requests, got {len(self.received)}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                ok = verify(receiver.secret, headers, body, now=time.time())
                with receiver._lock:
                    reply = receiver.script.pop(0) if receiver.script else Reply()
                    status = reply.status if ok else 401
                    record = Received(self.path, headers, body, ok, time.time(), status)
                    receiver.received.append(record)
                receiver.arrived.set()
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drip:
                    self._trickle(status, reply)
                    return
                try:
                    self.send_response(status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def _trickle(self, status: int, reply: Reply) -> None:
                self.close_connection = True
                answer = f"HTTP/1.1 {status} OK\r\nContent-Length: 40\r\n\r\n{'o' * 40}"
                try:
                    for byte in answer.encode():
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(reply.drip)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

        return Handler

    @contextmanager
    def running(self) -> Iterator[WebhookReceiver]:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()


class _Sink:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay  # seconds before accepting each message (a slow server)
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        content: bytes = envelope.original_content or envelope.content  # type: ignore[attr-defined]
        self.raw.append(content)
        self.messages.append(
            email.message_from_bytes(content, policy=email.policy.default)  # type: ignore[arg-type]
        )
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))  # type: ignore[attr-defined]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it receives (each after
    ``delay`` seconds)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.handler = _Sink(delay)
        self.port = _free_port()  # aiosmtpd checks it is up by connecting: no port 0
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def url(self, to: str = "reader@example.org") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=newswatch@example.org&to={to}"

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.handler.messages)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.handler.messages) >= count:
                return self.messages
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {len(self.handler.messages)}")

    @contextmanager
    def running(self) -> Iterator[SmtpSink]:
        self.controller.start()
        try:
            yield self
        finally:
            self.controller.stop()
