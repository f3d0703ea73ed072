"""The one guarded HTTP fetcher every feed and page request goes through.

- one aiohttp session (its C HTTP parser costs a tenth of httpx's CPU per request, which
  decides how many feeds one scheduler core can poll); redirects are followed here, hop by
  hop, so every hop is checked
- SSRF guard on every connection: host names are resolved and checked by
  :class:`GuardedResolver` (the connection goes to the very addresses checked), IP literals are
  checked before the request
- politeness: at most ``per_host`` requests to a host from this process, and, through an
  optional shared :class:`HostGate` (Redis), across every scheduler instance with a minimum gap
  between request starts
- a whole-request deadline covering DNS, connect, redirects and the body; time spent waiting
  for a slot does not count against it
- a byte cap on the decoded body, checked against Content-Length up front and while streaming
- every aiohttp error translated into the newswatch error tree, naming the host and the cause
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import ipaddress
import math
import socket
import ssl
import time
import urllib.parse
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Protocol, Self

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

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
from newswatch.core.ports import PortRanges, parse_port_ranges
from newswatch.net.decoding import ACCEPT_ENCODING, CappedDecoder
from newswatch.net.guard import check_addresses, check_port, resolve_checked
from newswatch.net.limits import RequestLimiter

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclasses.dataclass(frozen=True)
class FetchPolicy:
    """What the fetcher needs to know (the rest of Settings is none of its business)."""

    user_agent: str = "newswatch"
    timeout: float = 20.0  # seconds for a whole request, redirects and body included
    max_redirects: int = 5
    concurrency: int = 64  # requests in flight from this process
    per_host: int = 2  # requests in flight to one host from this process
    allow_private: bool = False
    retry_after_hosts: frozenset[str] = frozenset()  # hosts whose Retry-After pauses the host
    allowed_ports: PortRanges = ((80, 80), (443, 443))

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        return cls(
            user_agent=settings.user_agent,
            timeout=settings.fetch_timeout,
            max_redirects=settings.max_redirects,
            concurrency=settings.fetch_concurrency,
            per_host=settings.fetch_per_host,
            allow_private=settings.allow_private_networks,
            retry_after_hosts=frozenset(h.lower() for h in settings.retry_after_hosts),
            allowed_ports=parse_port_ranges(settings.allowed_ports),
        )

    def pauses_host(self, host: str) -> bool:
        return "*" in self.retry_after_hosts or host.lower() in self.retry_after_hosts


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
    moved_to: str = ""  # where the permanent redirects (301/308) leading the chain point
    cache_control: str | None = None
    expires: str | None = None


class HostGate(Protocol):
    """Politeness shared beyond this process (see ``newswatch.store.politeness``)."""

    def slot(self, host: str) -> contextlib.AbstractAsyncContextManager[None]: ...

    async def pause(self, host: str, seconds: float) -> None: ...


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver seam with the SSRF guard: every address of the host is checked, and
    the connector then connects to exactly those addresses (no DNS rebinding in between)."""

    def __init__(self, *, allow_private: bool) -> None:
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = await resolve_checked(host, port, allow_private=self._allow_private)
        return [
            ResolveResult(
                hostname=host,
                host=str(address),
                port=port,
                family=socket.AF_INET6 if address.version == 6 else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass


class Fetcher:
    """``async with Fetcher(policy) as fetcher: result = await fetcher.fetch(url, ...)``.

    ``resolver`` replaces DNS resolution (tests route a public name to the local origin; the
    default is :class:`GuardedResolver`); ``gate`` adds politeness shared across processes.
    """

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        resolver: AbstractResolver | None = None,
        gate: HostGate | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver or GuardedResolver(allow_private=policy.allow_private)
        self._gate = gate
        self._limiter = RequestLimiter(total=policy.concurrency, per_host=policy.per_host)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        connector = aiohttp.TCPConnector(
            limit=self._policy.concurrency,
            limit_per_host=0,  # ours: RequestLimiter and the gate
            resolver=self._resolver,
            ttl_dns_cache=60,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # we inflate ourselves, within the byte cap
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": self._policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=aiohttp.ClientTimeout(total=None),  # the deadline is ours (asyncio.timeout)
            trust_env=False,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def policy(self) -> FetchPolicy:
        return self._policy

    async def fetch(
        self,
        url: str,
        *,
        max_bytes: int,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url``, following up to ``policy.max_redirects`` redirects.

        Sends If-None-Match / If-Modified-Since when ``etag`` / ``last_modified`` are given;
        a 304 comes back as ``not_modified=True`` with an empty body (and the validators the
        caller sent, unless the origin sent new ones). Raises a :class:`FetchError` subclass
        for everything else: blocked address, bad URL, DNS, connect, TLS, timeout, too large,
        too many redirects, non-success status.
        """
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        if self._session is None:
            raise RuntimeError("Fetcher is not started: use `async with`")
        headers: dict[str, str] = {}
        for name, validator in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
            value = _header_value(validator)
            if value:
                headers[name] = value

        budget = self._policy.timeout
        loop = asyncio.get_running_loop()
        current = url
        moved_to = ""
        permanent = True  # only the leading run of permanent redirects moves a feed
        for hop in range(self._policy.max_redirects + 1):
            parts = _split(current)
            host = parts.hostname or ""
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
            check_port(current, port, self._policy.allowed_ports)  # every hop
            if not self._policy.allow_private:
                _check_literal(host)
            async with self._slot(host):
                started = loop.time()
                try:
                    async with asyncio.timeout(budget):
                        outcome = await self._hop(current, host, headers, max_bytes)
                except TimeoutError as exc:
                    raise FetchTimeoutError(
                        f"fetching {current} timed out: no complete answer from host "
                        f"{host!r} within {self._policy.timeout:g}s"
                    ) from exc
                except HTTPStatusError as exc:
                    if exc.retry_after and self._gate and self._policy.pauses_host(host):
                        await self._gate.pause(host, exc.retry_after)
                    raise
                budget -= loop.time() - started
            if isinstance(outcome, FetchResult):
                if outcome.not_modified:
                    return dataclasses.replace(
                        outcome,
                        moved_to=moved_to,
                        etag=outcome.etag or etag,
                        last_modified=outcome.last_modified or last_modified,
                    )
                return dataclasses.replace(outcome, moved_to=moved_to) if moved_to else outcome
            status, location = outcome
            current = _redirect_target(current, location, host)
            permanent = permanent and status in _PERMANENT
            if permanent:
                moved_to = current
            if hop == self._policy.max_redirects:
                break
        raise TooManyRedirectsError(
            f"fetching {url}: more than {self._policy.max_redirects} redirects "
            f"(last one from host {host!r} to {current})"
        )

    @contextlib.asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """This process's per-host slot, then the shared gate's, then a global slot (held only
        while the request runs, so a queue behind a busy host never starves other hosts)."""
        waited = time.perf_counter()
        async with self._limiter.host(host):
            if self._gate is None:
                metrics.POLITENESS_WAIT_SECONDS.observe(time.perf_counter() - waited)
                async with self._limiter.total():
                    yield
                return
            async with self._gate.slot(host):
                metrics.POLITENESS_WAIT_SECONDS.observe(time.perf_counter() - waited)
                async with self._limiter.total():
                    yield

    async def _hop(
        self, url: str, host: str, headers: dict[str, str], max_bytes: int
    ) -> FetchResult | tuple[int, str]:
        """One request: a result, or (status, Location) of a redirect."""
        assert self._session is not None
        try:
            async with self._session.get(url, headers=headers, allow_redirects=False) as response:
                status = response.status
                if status in _REDIRECTS:
                    location = (response.headers.get("Location") or "").strip()
                    if not location:
                        raise HTTPStatusError(
                            f"fetching {url}: host {host!r} answered {status} "
                            "without a Location header",
                            status=status,
                        )
                    return status, location
                if status == 304:
                    return _result(url, response, b"", not_modified=True)
                if not 200 <= status < 300:
                    raise HTTPStatusError(
                        f"fetching {url}: host {host!r} answered {status} "
                        f"{response.reason or ''}".rstrip(),
                        status=status,
                        retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                    )
                body = await _read_capped(response, url, host, max_bytes)
                return _result(url, response, body, not_modified=False)
        except NewswatchError:
            raise
        except (aiohttp.InvalidURL, ValueError) as exc:
            raise InvalidURLError(f"cannot fetch {url!r}: {exc}") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise _translate(exc, url, host) from exc


def _result(
    url: str, response: aiohttp.ClientResponse, body: bytes, *, not_modified: bool
) -> FetchResult:
    return FetchResult(
        url=url,
        status=response.status,
        body=body,
        etag=_raw_header(response, b"etag"),
        last_modified=_raw_header(response, b"last-modified"),
        content_type=response.headers.get("Content-Type", ""),
        not_modified=not_modified,
        cache_control=response.headers.get("Cache-Control"),
        expires=response.headers.get("Expires"),
    )


def _raw_header(response: aiohttp.ClientResponse, name: bytes) -> str | None:
    """A validator exactly as the origin sent it: its raw bytes as latin-1 text, which
    :func:`_header_value` turns back into the same bytes on the wire."""
    for key, value in response.raw_headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _check_literal(host: str) -> None:
    """aiohttp connects to an IP literal without asking the resolver: check it here."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return
    check_addresses(host, [address])


def _header_value(value: str | None) -> str | None:
    """A stored validator (raw bytes as latin-1 text) as the header text aiohttp sends (it
    encodes headers as UTF-8); None when it cannot be sent byte for byte (then the request is
    simply unconditional instead of failing every time)."""
    if not value:
        return None
    try:
        raw = value.encode("latin-1")
        text = raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if any((byte < 0x20 and byte != 0x09) or byte == 0x7F for byte in raw):
        return None
    return text


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


async def _read_capped(
    response: aiohttp.ClientResponse, url: str, host: str, max_bytes: int
) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
        raise TooLargeError(
            f"fetching {url}: host {host!r} announces {int(declared)} bytes, "
            f"more than the limit of {max_bytes}"
        )
    decoder = CappedDecoder(
        response.headers.get("Content-Encoding", ""),
        max_bytes,
        where=f"fetching {url}: host {host!r}",
    )
    chunks: list[bytes] = []
    received = 0
    async for raw in response.content.iter_any():  # raw: auto_decompress is off
        received += len(raw)
        chunks.append(decoder.decode(raw))
    chunks.append(decoder.finish())
    metrics.FETCHED_BYTES.inc(received)
    return b"".join(chunks)


def _translate(exc: BaseException, url: str, host: str) -> FetchError:
    """aiohttp's exception tree -> ours, saying what failed, where, and why."""
    detail = str(exc) or type(exc).__name__
    where = f"fetching {url}: host {host!r}"
    if isinstance(
        exc, (aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError, ssl.SSLError)
    ):
        return FetchError(f"{where}: TLS failed ({detail})", reason="tls")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectError(f"{where}: cannot connect ({detail})")
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return FetchTimeoutError(f"{where} timed out ({detail})")
    if isinstance(exc, aiohttp.ClientResponseError | aiohttp.ClientPayloadError):
        return FetchError(f"{where}: broken HTTP ({detail})", reason="protocol")
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError | OSError):
        return ConnectError(f"{where}: connection failed ({type(exc).__name__}: {detail})")
    return FetchError(f"{where}: {type(exc).__name__}: {detail}")
