"""The fetcher against a real HTTP origin on 127.0.0.1 (a ThreadingHTTPServer in a thread)."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import gzip
import ipaddress
import socket
import threading
import time
import urllib.parse
from collections.abc import Coroutine, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest
from aiohttp.abc import ResolveResult
from prometheus_client import REGISTRY

from newswatch.config import Settings
from newswatch.core.errors import (
    BlockedAddressError,
    ConnectError,
    DNSError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    TooLargeError,
    TooManyRedirectsError,
)
from newswatch.net import Fetcher, FetchResult
from newswatch.net.fetcher import FetchPolicy, GuardedResolver, retry_after_seconds
from newswatch.net.guard import blocked_reason, check_addresses
from newswatch.net.limits import RequestLimiter

T = TypeVar("T")
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
PUBLIC_IP = "93.184.216.34"  # a public address the test resolver routes to the local origin
PUBLIC_NAME = "public.example"


class Origin:
    """What the handler shares with the tests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.requests: list[tuple[str, dict[str, str]]] = []


class Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def do_GET(self) -> None:
        origin = self.server.origin
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        with origin.lock:
            origin.requests.append((parts.path, dict(self.headers.items())))
        route = parts.path.strip("/").split("/")
        name = route[0]
        if name == "ok":
            self._send(200, b"hello world", {"Content-Type": "text/plain; charset=utf-8"})
        elif name == "ua":
            self._send(200, self.headers.get("User-Agent", "").encode())
        elif name == "etag":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, headers={"ETag": ETAG})
            else:
                self._send(200, b"<rss/>", {"ETag": ETAG, "Content-Type": "application/rss+xml"})
        elif name == "lm":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self._send(304)
            else:
                self._send(200, b"<feed/>", {"Last-Modified": LAST_MODIFIED})
        elif name == "etag8":  # an ETag with bytes outside ASCII (UTF-8 of "café")
            raw = '"caf\u00c3\u00a9"'  # http.server sends header text as latin-1
            if self.headers.get("If-None-Match") == raw:  # parsed as latin-1 too
                self._send(304, headers={"ETag": raw})
            else:
                self._send(200, b"<rss/>", {"ETag": raw})
        elif name == "chain":  # /chain/3 -> /chain/2 -> /chain/1 -> /chain/0 (200)
            left = int(route[1])
            if left:
                self._send(302, headers={"Location": f"/chain/{left - 1}"})
            else:
                self._send(200, b"end of chain")
        elif name == "loop":
            self._send(301, headers={"Location": "/loop"})
        elif name == "to":
            self._send(302, headers={"Location": query["target"]})
        elif name == "big":
            body = b"x" * int(query["n"])
            self._send(200, body, length=query.get("cl") == "1")
        elif name == "gzip":
            raw = b"compressed text " * int(query.get("repeat", "100"))
            self._send(200, gzip.compress(raw), {"Content-Encoding": "gzip"})
        elif name == "slow":
            time.sleep(float(query["s"]))
            self._send(200, b"late")
        elif name == "status":
            retry = {"Retry-After": query["retry"]} if "retry" in query else None
            self._send(int(route[1]), b"nope", retry)
        elif name == "concurrent":
            with origin.lock:
                origin.active += 1
                origin.max_active = max(origin.max_active, origin.active)
            time.sleep(0.05)
            with origin.lock:
                origin.active -= 1
            self._send(200, b"done")
        else:
            self._send(404)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    origin: Origin


@pytest.fixture
def origin() -> Iterator[tuple[str, Origin]]:
    server = _Server(("127.0.0.1", 0), Handler)
    server.origin = Origin()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.origin
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def settings(**overrides: Any) -> FetchPolicy:
    values: dict[str, Any] = {
        "allow_private_networks": True,
        "allowed_ports": "1-65535",  # the origin listens on a free port
        "fetch_timeout": 5.0,
        "user_agent": "newswatch-test/1.0",
    }
    values.update(overrides)
    return FetchPolicy.from_settings(Settings(**values))


async def fetch(url: str, cfg: FetchPolicy | None = None, **kwargs: Any) -> FetchResult:
    kwargs.setdefault("max_bytes", 1_000_000)
    async with Fetcher(cfg or settings()) as fetcher:
        return await fetcher.fetch(url, **kwargs)


# --- success ------------------------------------------------------------------------------


def test_200_body(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    before = REGISTRY.get_sample_value("newswatch_fetched_bytes_total") or 0.0
    result = run(fetch(f"{base}/ok"))
    assert result == FetchResult(
        url=f"{base}/ok",
        status=200,
        body=b"hello world",
        etag=None,
        last_modified=None,
        content_type="text/plain; charset=utf-8",
        not_modified=False,
    )
    after = REGISTRY.get_sample_value("newswatch_fetched_bytes_total") or 0.0
    assert after - before == len(b"hello world")


def test_user_agent_from_settings(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    result = run(fetch(f"{base}/ua", settings(user_agent="watcher/9 (+contact)")))
    assert result.body == b"watcher/9 (+contact)"


def test_conditional_get_with_etag(origin: tuple[str, Origin]) -> None:
    base, server = origin
    first = run(fetch(f"{base}/etag"))
    assert (first.status, first.body, first.etag) == (200, b"<rss/>", ETAG)
    second = run(fetch(f"{base}/etag", etag=first.etag))
    assert second.not_modified is True
    assert (second.status, second.body, second.etag) == (304, b"", ETAG)
    assert server.requests[-1][1].get("If-None-Match") == ETAG


def test_conditional_get_with_last_modified(origin: tuple[str, Origin]) -> None:
    base, server = origin
    first = run(fetch(f"{base}/lm"))
    assert first.last_modified == LAST_MODIFIED and first.not_modified is False
    second = run(fetch(f"{base}/lm", last_modified=first.last_modified))
    assert second.not_modified is True and second.body == b""
    # the origin sent no validator with its 304: the caller's is handed back
    assert second.last_modified == LAST_MODIFIED
    assert server.requests[-1][1].get("If-Modified-Since") == LAST_MODIFIED


def test_an_etag_with_non_ascii_bytes_is_sent_back_byte_for_byte(
    origin: tuple[str, Origin],
) -> None:
    # an origin's odd header must not make every later conditional GET of the feed fail
    base, server = origin
    first = run(fetch(f"{base}/etag8"))
    assert first.etag is not None and first.status == 200
    second = run(fetch(f"{base}/etag8", etag=first.etag))
    assert second.not_modified is True
    assert server.requests[-1][1].get("If-None-Match") == '"caf\u00c3\u00a9"'


def test_gzip_body_is_decoded(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    result = run(fetch(f"{base}/gzip?repeat=100"))
    assert result.body == b"compressed text " * 100


# --- redirects ----------------------------------------------------------------------------


def test_redirect_chain_reports_final_url(origin: tuple[str, Origin]) -> None:
    base, server = origin
    result = run(fetch(f"{base}/chain/3", settings(max_redirects=3)))
    assert result.url == f"{base}/chain/0"
    assert result.body == b"end of chain"
    assert [path for path, _ in server.requests] == [f"/chain/{n}" for n in (3, 2, 1, 0)]


def test_too_many_redirects(origin: tuple[str, Origin]) -> None:
    base, server = origin
    with pytest.raises(TooManyRedirectsError, match="more than 2 redirects") as info:
        run(fetch(f"{base}/chain/3", settings(max_redirects=2)))
    assert info.value.retryable is False
    assert len(server.requests) == 3  # the original request and two redirects followed


def test_redirect_loop(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    with pytest.raises(TooManyRedirectsError):
        run(fetch(f"{base}/loop", settings(max_redirects=4)))


def test_redirect_to_non_http_scheme(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    with pytest.raises(InvalidURLError, match="scheme ftp is not http or https"):
        run(fetch(f"{base}/to?target=ftp://example.org/file"))


# --- SSRF guard ---------------------------------------------------------------------------


class RouteToOrigin(GuardedResolver):
    """Resolves PUBLIC_NAME to a public address (which the guard passes) but connects it to the
    local origin, so a first hop can pass the guard; any other host is resolved and checked
    as usual."""

    def __init__(self, port: int) -> None:
        super().__init__(allow_private=False)
        self._port = port

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host == PUBLIC_NAME:
            check_addresses(host, [ipaddress.ip_address(PUBLIC_IP)])
            return [ResolveResult(hostname=host, host="127.0.0.1", port=self._port,
                                  family=socket.AF_INET, proto=0, flags=0)]  # fmt: skip
        return await super().resolve(host, port, family)


@pytest.mark.parametrize(
    ("target", "address", "why"),
    [
        ("http://10.0.0.1/admin", "10.0.0.1", "private"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),
        ("http://[::ffff:127.0.0.1]:8080/", "::ffff:7f00:1", "IPv4-mapped loopback"),
    ],
)
def test_redirect_to_blocked_address_is_refused_at_the_hop(
    origin: tuple[str, Origin], target: str, address: str, why: str
) -> None:
    base, server = origin
    port = int(base.rsplit(":", 1)[1])
    cfg = settings(allow_private_networks=False)

    async def go() -> FetchResult:
        async with Fetcher(cfg, resolver=RouteToOrigin(port)) as fetcher:
            return await fetcher.fetch(
                f"http://{PUBLIC_NAME}/to?target={urllib.parse.quote(target)}", max_bytes=1000
            )

    with pytest.raises(BlockedAddressError) as info:
        run(go())
    message = str(info.value)
    assert f"resolves to {address} ({why} address)" in message
    assert info.value.retryable is False
    assert [path for path, _ in server.requests] == ["/to"]  # the first hop was served


def test_loopback_refused_without_allow_private(origin: tuple[str, Origin]) -> None:
    base, server = origin
    with pytest.raises(BlockedAddressError, match=r"'127\.0\.0\.1'.*127\.0\.0\.1 \(loopback"):
        run(fetch(f"{base}/ok", settings(allow_private_networks=False)))
    assert server.requests == []  # refused before connecting


def test_localhost_name_refused_without_allow_private(origin: tuple[str, Origin]) -> None:
    base, server = origin
    url = base.replace("127.0.0.1", "localhost") + "/ok"
    with pytest.raises(BlockedAddressError, match=r"'localhost'.*loopback"):
        run(fetch(url, settings(allow_private_networks=False)))
    assert server.requests == []


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("4000::1", "reserved"),
        ("198.18.0.1", "private"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fd00::1", "private"),
        ("::ffff:10.0.0.1", "IPv4-mapped private"),
        ("2002:c0a8:0101::1", "6to4-embedded private"),
        ("64:ff9b::a9fe:a9fe", "NAT64-embedded link-local"),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_blocked_reason(address: str, reason: str | None) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


# --- failures -----------------------------------------------------------------------------


def test_oversize_body_with_content_length(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    with pytest.raises(TooLargeError, match="announces 5000 bytes, more than the limit of 1000"):
        run(fetch(f"{base}/big?n=5000&cl=1", max_bytes=1000))


def test_oversize_body_without_content_length(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    with pytest.raises(TooLargeError, match="exceeds the limit of 1000 bytes") as info:
        run(fetch(f"{base}/big?n=50000", max_bytes=1000))
    assert info.value.retryable is False


def test_body_at_the_limit_passes(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    assert len(run(fetch(f"{base}/big?n=1000", max_bytes=1000)).body) == 1000


def test_decompressed_size_counts_against_the_cap(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    # about 1.6 kB on the wire, 160 kB decoded
    with pytest.raises(TooLargeError, match="exceeds the limit of 10000 bytes"):
        run(fetch(f"{base}/gzip?repeat=10000", max_bytes=10_000))


def test_slow_server_hits_the_deadline(origin: tuple[str, Origin]) -> None:
    base, _ = origin
    with pytest.raises(FetchTimeoutError, match=r"127\.0\.0\.1") as info:
        run(fetch(f"{base}/slow?s=2", settings(fetch_timeout=0.2)))
    assert info.value.retryable is True


@pytest.mark.parametrize(
    ("status", "retryable"), [(404, False), (410, False), (500, True), (503, True), (429, True)]
)
def test_status_mapping(origin: tuple[str, Origin], status: int, retryable: bool) -> None:
    base, _ = origin
    with pytest.raises(HTTPStatusError, match=f"'127.0.0.1' answered {status}") as info:
        run(fetch(f"{base}/status/{status}"))
    assert info.value.status == status
    assert info.value.retryable is retryable


def test_dns_failure() -> None:
    with pytest.raises(DNSError, match=r"cannot resolve host 'no-such-host\.invalid'") as info:
        run(fetch("http://no-such-host.invalid/feed.xml"))
    assert info.value.retryable is True


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed", "file:///etc/passwd", "/relative", "http:///nohost"]
)
def test_invalid_url(url: str) -> None:
    with pytest.raises(InvalidURLError):
        run(fetch(url))


def test_connection_refused(origin: tuple[str, Origin]) -> None:
    # a port nothing listens on: bind one, then close it
    probe = _Server(("127.0.0.1", 0), Handler)
    port = probe.server_address[1]
    probe.server_close()
    with pytest.raises(ConnectError, match="cannot connect"):
        run(fetch(f"http://127.0.0.1:{port}/"))


# --- concurrency --------------------------------------------------------------------------


def test_per_host_limit_is_honoured(origin: tuple[str, Origin]) -> None:
    base, server = origin
    cfg = settings(fetch_per_host=2, fetch_concurrency=16)

    async def go() -> list[FetchResult]:
        async with Fetcher(cfg) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch(f"{base}/concurrent", max_bytes=100) for _ in range(10))
            )

    results = run(go())
    assert [r.body for r in results] == [b"done"] * 10
    assert 1 <= server.max_active <= 2


def test_limiter_forgets_idle_hosts() -> None:
    async def go() -> int:
        limiter = RequestLimiter(total=4, per_host=1)
        async with limiter.slot("a.example"), limiter.slot("b.example"):
            assert limiter.hosts_in_use() == 2
        return limiter.hosts_in_use()

    assert run(go()) == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [("120", 120), ("99999999", 7 * 24 * 3600), ("soon", None)],
)
def test_retry_after_is_reported_with_the_status(
    origin: tuple[str, Origin], header: str, expected: int | None
) -> None:
    base, _ = origin
    with pytest.raises(HTTPStatusError) as caught:
        run(fetch(f"{base}/status/429?retry={urllib.parse.quote(header)}"))
    assert caught.value.status == 429
    assert caught.value.retry_after == expected


def test_retry_after_as_an_http_date() -> None:
    now = 1_700_000_000.0
    header = email.utils.formatdate(now + 90, usegmt=True)
    assert retry_after_seconds(header, now=now) == 90
    assert retry_after_seconds(email.utils.formatdate(now - 90, usegmt=True), now=now) == 0
    assert retry_after_seconds(None) is None
