"""The one configurable HTTP origin the tests use: real servers on loopback addresses.

Routes are mutable while the server runs (tests change a feed between polls). A route serves
a status, a body, validators (an ETag derived from the body by default, or a fixed one that a
test can leave stale on purpose, and Last-Modified), a Location, extra headers, and may hang
before answering or trickle its body. The origin logs every request with its headers, counts
hits per path and the most requests it saw in flight at once per host, and calls
``on_request`` (tests move a clock from there, to make a poll "take" 90 s).

Several hosts: ``Origin(hosts=("127.0.0.1", "127.0.0.2"))`` serves the same routes on each
loopback address (each its own port); ``url(path, host=...)`` names one.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

AUTO = "auto"  # Route.etag: derived from the body


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = AUTO  # None: no ETag; a fixed string: sent whatever the body
    last_modified: str | None = None
    location: str | None = None  # a path (on the same host) or a URL
    hang: float = 0.0  # seconds to wait before answering
    drip: float = 0.0  # seconds between two bytes of the body (a trickle)
    headers: dict[str, str] = field(default_factory=dict)

    def current_etag(self) -> str | None:
        if self.etag == AUTO:
            return (
                '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"' if self.status == 200 else None
            )
        return self.etag


NOT_FOUND = Route(b"<html><body>Not found</body></html>", status=404)


class Origin:
    def __init__(self, hosts: tuple[str, ...] = ("127.0.0.1",)) -> None:
        self.hosts = hosts
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers), in order
        self.counts: Counter[str] = Counter()  # hits per path
        self.active: Counter[str] = Counter()  # requests in flight per host
        self.max_active: Counter[str] = Counter()  # the most ever in flight per host
        self.on_request: Callable[[str], None] | None = None
        self.lock = threading.Lock()
        self._servers: dict[str, ThreadingHTTPServer] = {}

    def url(self, path: str, host: str | None = None) -> str:
        host = host or self.hosts[0]
        return f"http://{host}:{self._servers[host].server_address[1]}{path}"

    @property
    def base_url(self) -> str:
        return self.url("")

    def hits(self, path: str) -> int:
        with self.lock:
            return self.counts[path]

    def page_hits(self, prefix: str = "/a/") -> int:
        with self.lock:
            return sum(n for path, n in self.counts.items() if path.startswith(prefix))

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path``, in order."""
        with self.lock:
            return [headers for p, headers in self.requests if p == path]

    def _answer(self, handler: BaseHTTPRequestHandler, host: str) -> None:
        path = handler.path.split("?")[0]
        with self.lock:
            self.requests.append((path, dict(handler.headers.items())))
            self.counts[path] += 1
            self.active[host] += 1
            self.max_active[host] = max(self.max_active[host], self.active[host])
            route = self.routes.get(path, NOT_FOUND)
            hook = self.on_request
        try:
            if hook is not None:
                hook(path)
            if route.hang:
                time.sleep(route.hang)
            self._send(handler, route, host)
        finally:
            with self.lock:
                self.active[host] -= 1

    def _send(self, handler: BaseHTTPRequestHandler, route: Route, host: str) -> None:
        etag = route.current_etag()
        if route.status == 200 and (
            (etag and handler.headers.get("If-None-Match") == etag)
            or (
                route.last_modified
                and handler.headers.get("If-Modified-Since") == route.last_modified
            )
        ):
            handler.send_response(304)
            if etag:
                handler.send_header("ETag", etag)
            handler.end_headers()
            return
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        handler.send_header("Content-Length", str(len(route.body)))
        if etag:
            handler.send_header("ETag", etag)
        if route.last_modified:
            handler.send_header("Last-Modified", route.last_modified)
        if route.location:
            location = route.location
            handler.send_header(
                "Location", location if "://" in location else self.url(location, host)
            )
        for name, value in route.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        # a request abandoned by the client closes the connection before the body
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if not route.drip:
                handler.wfile.write(route.body)
                return
            for byte in route.body:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(route.drip)

    def _handler(self, host: str) -> type[BaseHTTPRequestHandler]:
        origin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real origins

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                origin._answer(self, host)

        return Handler

    @contextlib.contextmanager
    def running(self) -> Iterator[Origin]:
        threads = []
        for host in self.hosts:
            server = ThreadingHTTPServer((host, 0), self._handler(host))
            server.daemon_threads = True
            self._servers[host] = server
            thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
            thread.start()
            threads.append(thread)
        try:
            yield self
        finally:
            for server in self._servers.values():
                server.shutdown()
                server.server_close()
            for thread in threads:
                thread.join(5)


def rss(title: str, items: list[dict[str, str]], *, extra: str = "") -> bytes:
    """A small RSS 2.0 document; each item dict has title and optionally link, guid,
    description, content (content:encoded HTML), pubDate. ``extra`` goes into the channel
    (e.g. ``<ttl>60</ttl>``)."""
    entries = []
    for item in items:
        parts = [f"<title>{escape(item['title'])}</title>"]
        if "link" in item:
            parts.append(f"<link>{escape(item['link'])}</link>")
        if "guid" in item:
            parts.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
        if "description" in item:
            parts.append(f"<description>{escape(item['description'])}</description>")
        if "content" in item:
            parts.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        parts.append(f"<pubDate>{item.get('pubDate', 'Fri, 17 Mar 2023 12:00:00 GMT')}</pubDate>")
        entries.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
        f"<title>{escape(title)}</title><link>http://127.0.0.1/</link>"
        f"<description>test</description>{extra}{''.join(entries)}</channel></rss>"
    ).encode()
