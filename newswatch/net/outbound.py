"""Outgoing deliveries through the SSRF guard: the synchronous twin of the fetcher.

Webhook and chat URLs are written by people with the API token, but they are still URLs
that make newswatch open connections: the same guard as feeds applies (every address a host
resolves to must be public unless ``allow_private_networks``; the port must be one of
``delivery_ports``).

- :func:`post` sends one request with httpx, on a connection pool whose network backend
  resolves and checks the host itself and connects to the very address it checked (no DNS
  rebinding between check and connect). Redirects are not followed. The timeout bounds the
  whole request (httpx's bounds each read: a receiver trickling its answer would outlast
  it, and the delivery's lease, and be sent twice).
- :func:`guarded_resolution` is for libraries with no transport seam (apprise, and the
  smtplib and requests under it): for the current thread only, every ``getaddrinfo`` answer
  is checked, and those libraries connect to what it returned.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from newswatch.core.errors import (
    BlockedAddressError,
    ConnectError,
    FetchError,
    FetchTimeoutError,
    InvalidURLError,
)
from newswatch.core.ports import PortRanges
from newswatch.net import guard
from newswatch.net.capped import PAST_DEADLINE, read_capped

MAX_ANSWER_BYTES = 64 * 1024  # of a receiver's answer: only its status and headers matter


@dataclasses.dataclass(frozen=True)
class GuardPolicy:
    """Where deliveries may connect."""

    allow_private: bool = False
    ports: PortRanges = ((25, 25), (80, 80), (443, 443), (465, 465), (587, 587))

    def check(self, url: str, host: str, port: int, addresses: Iterable[guard.IPAddress]) -> None:
        guard.check_port(url, port, self.ports)
        if not self.allow_private:
            guard.check_addresses(host, addresses)


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes  # at most MAX_ANSWER_BYTES


# the monotonic time the request being sent in this thread must end by (None: no deadline)
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to what is left before the deadline; ``error`` once it is past."""
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error(PAST_DEADLINE)
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, policy: GuardPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = guard.resolve_sync(host, port)
        self._policy.check(f"{host}:{port}", host, port, addresses)
        last_error: Exception | None = None
        for address in addresses:
            try:
                left = _left(timeout, httpcore.ConnectTimeout)
                return _DeadlineStream(
                    self._inner.connect_tcp(str(address), port, left, local_address, socket_options)
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedAddressError(f"refusing to connect to unix socket {path!r}")


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a pool built over :class:`_GuardedBackend` (httpx has no public
    seam for the network backend; ``_pool`` is what its transport sends through)."""

    def __init__(self, policy: GuardPolicy) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=4,
            network_backend=_GuardedBackend(policy),
        )


class Poster:
    """POSTs deliveries; one per delivery loop (it keeps connections alive)."""

    def __init__(
        self,
        policy: GuardPolicy,
        *,
        timeout: float,
        user_agent: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._policy = policy
        self._timeout = timeout
        self._client = httpx.Client(
            transport=transport or _GuardedTransport(policy),
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
            trust_env=False,
        )

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        """Send ``body``; the receiver's answer whatever its status. Raises a FetchError
        (``retryable`` says whether to try again) when there is no answer, or not all of it
        within the timeout."""
        end = time.monotonic() + self._timeout
        token = _deadline.set(end)
        try:
            with self._client.stream("POST", url, content=body, headers=headers) as response:
                received, _ = read_capped(response, MAX_ANSWER_BYTES, end)  # the rest: unread
                return Answer(response.status_code, dict(response.headers), received)
        except FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise FetchTimeoutError(
                f"no answer within the delivery timeout ({type(exc).__name__})"
            ) from None
        except httpx.InvalidURL as exc:
            raise InvalidURLError(f"invalid webhook URL: {exc}") from None
        except (httpx.TransportError, OSError) as exc:
            raise ConnectError(f"cannot reach the receiver: {type(exc).__name__}: {exc}") from None
        finally:
            _deadline.reset(token)

    def close(self) -> None:
        self._client.close()


# -- libraries without a transport seam --------------------------------------------------------

_local = threading.local()
_install_lock = threading.Lock()


class BlockedResolution(socket.gaierror):
    """Raised by a guarded ``getaddrinfo``: libraries treat it as a failed name lookup."""


def _checked_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    answer = guard._getaddrinfo(host, port, *args, **kwargs)
    policy: GuardPolicy | None = getattr(_local, "policy", None)
    if policy is None:
        return answer
    try:
        number = int(port) if port is not None else 0
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in answer]
        policy.check(f"{host}:{port}", str(host), number, addresses)
    except (FetchError, ValueError) as exc:
        _local.blocked = str(exc)
        raise BlockedResolution(socket.EAI_FAIL, str(exc)) from None
    return answer


@contextlib.contextmanager
def guarded_resolution(policy: GuardPolicy) -> Iterator[list[str]]:
    """Within the block, this thread's name lookups are checked against ``policy``; the list
    yielded collects why a connection was refused (the library's own error says less)."""
    with _install_lock:
        if socket.getaddrinfo is not _checked_getaddrinfo:
            socket.getaddrinfo = _checked_getaddrinfo
    refused: list[str] = []
    _local.policy, _local.blocked = policy, None
    try:
        yield refused
    finally:
        if _local.blocked:
            refused.append(_local.blocked)
        _local.policy = _local.blocked = None
