"""The one guarded HTTP fetcher every feed and page request goes through.

- one httpx.AsyncClient; redirects are followed here, hop by hop, so every hop is checked
- SSRF guard on every connection (see :mod:`newswatch.net.guard`)
- a whole-request deadline covering DNS, connect, redirects and the body; time spent waiting
  for a concurrency slot does not count against it
- a byte cap on the decoded body, checked against Content-Length up front and while streaming
- every httpx error translated into the newswatch error tree, naming the host and the cause
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import math
import time
import urllib.parse
from types import TracebackType
from typing import Self

import httpcore
import httpx

from newswatch import metrics
from newswatch.config import Settings
from newswatch.core.errors import (
    ConnectError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    NewswatchError,
    TooLargeError,
    TooManyRedirectsError,
)
from newswatch.core.ports import parse_port_ranges
from newswatch.net.decoding import ACCEPT_ENCODING, CappedDecoder
from newswatch.net.guard import GuardedBackend, check_port, resolve_checked
from newswatch.net.limits import RequestLimiter

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclasses.dataclass(frozen=True)
class FetchResult:
    """The outcome of a successful fetch (2xx, or 304 when ``not_modified``)."""

    url: str  # the final URL, after redirects
    status: int
    body: bytes  # decoded (gzip/deflate undone); empty when not_modified
    etag: str | None
    last_modified: str | None
    content_type: str
    not_modified: bool


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport with the connection pool built on :class:`GuardedBackend`.

    httpx offers no public seam for a network backend, so the pool is replaced after
    construction; ``_pool`` is the attribute httpx's transport uses for every request.
    """

    def __init__(self, *, allow_private: bool, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allow_private=allow_private),
        )


class Fetcher:
    """``async with Fetcher(settings) as fetcher: result = await fetcher.fetch(url, ...)``.

    ``transport`` replaces the network (tests, proxies). With the default transport the SSRF
    guard checks every connection it opens; with an injected one the guard checks each hop's
    host before the request, unless ``allow_private_networks`` is set (then the injected
    transport is trusted to decide where requests go, and hosts are not resolved).
    """

    def __init__(
        self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        limits = httpx.Limits(
            max_connections=settings.fetch_concurrency,
            max_keepalive_connections=min(settings.fetch_concurrency, 32),
        )
        self._precheck = transport is not None and not settings.allow_private_networks
        if transport is None:
            transport = _GuardedTransport(
                allow_private=settings.allow_private_networks, limits=limits
            )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(settings.fetch_timeout),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,
        )
        self._limiter = RequestLimiter(
            total=settings.fetch_concurrency, per_host=settings.fetch_per_host
        )
        self._ports = parse_port_ranges(settings.allowed_ports)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        max_bytes: int,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url``, following up to ``settings.max_redirects`` redirects.

        Sends If-None-Match / If-Modified-Since when ``etag`` / ``last_modified`` are given;
        a 304 comes back as ``not_modified=True`` with an empty body (and the validators the
        caller sent, unless the origin sent new ones). Raises a :class:`FetchError` subclass
        for everything else: blocked address, bad URL, DNS, connect, timeout, too large, too
        many redirects, non-success status.
        """
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        headers: dict[bytes, bytes] = {}
        for name, validator in ((b"If-None-Match", etag), (b"If-Modified-Since", last_modified)):
            value = _header_bytes(validator)
            if value:
                headers[name] = value

        budget = self._settings.fetch_timeout
        loop = asyncio.get_running_loop()
        current = url
        for hop in range(self._settings.max_redirects + 1):
            parts = _split(current)
            host = parts.hostname or ""
            async with self._limiter.slot(host):
                started = loop.time()
                try:
                    async with asyncio.timeout(budget):
                        outcome = await self._hop(current, parts, headers, max_bytes)
                except TimeoutError as exc:
                    raise FetchTimeoutError(
                        f"fetching {current} timed out: no complete answer from host "
                        f"{host!r} within {self._settings.fetch_timeout:g}s"
                    ) from exc
                budget -= loop.time() - started
            if isinstance(outcome, FetchResult):
                if outcome.not_modified:
                    return dataclasses.replace(
                        outcome,
                        etag=outcome.etag or etag,
                        last_modified=outcome.last_modified or last_modified,
                    )
                return outcome
            current = _redirect_target(current, outcome, host)
            if hop == self._settings.max_redirects:
                break
        raise TooManyRedirectsError(
            f"fetching {url}: more than {self._settings.max_redirects} redirects "
            f"(last one from host {host!r} to {current})"
        )

    async def _hop(
        self,
        url: str,
        parts: urllib.parse.SplitResult,
        headers: dict[bytes, bytes],
        max_bytes: int,
    ) -> FetchResult | str:
        """One request: a result, or the Location of a redirect."""
        host = parts.hostname or ""
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
        check_port(url, port, self._ports)  # every hop, whatever the transport
        if self._precheck:
            await resolve_checked(host, port, allow_private=False)
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in _REDIRECTS:
                    location: str = response.headers.get("location", "").strip()
                    if not location:
                        raise HTTPStatusError(
                            f"fetching {url}: host {host!r} answered {status} "
                            "without a Location header",
                            status=status,
                        )
                    return location
                if status == 304:
                    return self._result(url, response, b"", not_modified=True)
                if not 200 <= status < 300:
                    raise HTTPStatusError(
                        f"fetching {url}: host {host!r} answered {status} "
                        f"{response.reason_phrase}".rstrip(),
                        status=status,
                        retry_after=retry_after_seconds(response.headers.get("retry-after")),
                    )
                body = await _read_capped(response, url, host, max_bytes)
                return self._result(url, response, body, not_modified=False)
        except NewswatchError:
            raise
        except httpx.InvalidURL as exc:
            raise InvalidURLError(f"cannot fetch {url!r}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise _translate(exc, url, host) from exc

    @staticmethod
    def _result(
        url: str, response: httpx.Response, body: bytes, *, not_modified: bool
    ) -> FetchResult:
        return FetchResult(
            url=url,
            status=response.status_code,
            body=body,
            etag=_header_text(response, b"etag"),
            last_modified=_header_text(response, b"last-modified"),
            content_type=response.headers.get("content-type", ""),
            not_modified=not_modified,
        )


def _header_text(response: httpx.Response, name: bytes) -> str | None:
    """A validator exactly as the origin sent it: its raw bytes as latin-1 text, which
    :func:`_header_bytes` turns back into the same bytes (httpx would decode non-ASCII bytes
    as UTF-8, and then refuse to send them back)."""
    for key, value in response.headers.raw:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _header_bytes(value: str | None) -> bytes | None:
    """A stored validator as header bytes; None when it cannot be sent (then the request is
    simply unconditional instead of failing every time)."""
    if not value:
        return None
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return None
    if any((byte < 0x20 and byte != 0x09) or byte == 0x7F for byte in raw):
        return None
    return raw


MAX_RETRY_AFTER = 7 * 24 * 3600  # a stranger's header must not park a feed for years


def retry_after_seconds(value: str | None, *, now: float | None = None) -> int | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 10.2.3);
    None when absent or unreadable; capped at a week."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(int(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    delta = when.timestamp() - (time.time() if now is None else now)
    return min(max(0, math.ceil(delta)), MAX_RETRY_AFTER)


def _split(url: str) -> urllib.parse.SplitResult:
    try:
        parts = urllib.parse.urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise InvalidURLError(f"cannot fetch {url!r}: {exc}") from exc
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        scheme = parts.scheme or "none (relative URL)"
        raise InvalidURLError(f"cannot fetch {url!r}: scheme {scheme} is not http or https")
    if not parts.hostname:
        raise InvalidURLError(f"cannot fetch {url!r}: no host")
    return parts._replace(scheme=parts.scheme.lower())


def _redirect_target(current: str, location: str, host: str) -> str:
    target = urllib.parse.urljoin(current, location)
    scheme = urllib.parse.urlsplit(target).scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURLError(
            f"fetching {current}: host {host!r} redirects to {target!r}, "
            f"scheme {scheme or 'none'} is not http or https"
        )
    return target


async def _read_capped(response: httpx.Response, url: str, host: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
        raise TooLargeError(
            f"fetching {url}: host {host!r} announces {int(declared)} bytes, "
            f"more than the limit of {max_bytes}"
        )
    decoder = CappedDecoder(
        response.headers.get("content-encoding", ""),
        max_bytes,
        where=f"fetching {url}: host {host!r}",
    )
    chunks: list[bytes] = []
    async for raw in response.aiter_raw():  # raw: we inflate ourselves, within the cap
        metrics.FETCHED_BYTES.inc(len(raw))
        chunks.append(decoder.decode(raw))
    chunks.append(decoder.finish())
    return b"".join(chunks)


def _translate(exc: httpx.HTTPError, url: str, host: str) -> FetchError:
    """httpx's exception tree -> ours, saying what failed, where, and why."""
    detail = str(exc) or type(exc).__name__
    where = f"fetching {url}: host {host!r}"
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeoutError(f"{where} timed out ({type(exc).__name__}: {detail})")
    if isinstance(exc, httpx.ConnectError):
        return ConnectError(f"{where}: cannot connect ({detail})")
    if isinstance(exc, httpx.NetworkError):
        return ConnectError(f"{where}: connection failed ({type(exc).__name__}: {detail})")
    if isinstance(exc, httpx.DecodingError):
        return FetchError(
            f"{where}: body cannot be decoded ({detail})", reason="decoding", retryable=False
        )
    if isinstance(exc, httpx.ProtocolError):
        return FetchError(f"{where}: broken HTTP ({detail})", reason="protocol")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return InvalidURLError(f"cannot fetch {url!r}: {detail}")
    return FetchError(f"{where}: {type(exc).__name__}: {detail}")
