"""The synchronous capped read: the body of a streamed httpx response, at most ``max_bytes``
of it, read by a deadline. The synchronous callers (deliveries in :mod:`newswatch.net.outbound`,
``newswatch status`` reading /metrics) share it; the fetcher's async ``_read_capped`` is its
twin for aiohttp.

The deadline is checked after every chunk; each read itself is bounded by the client's read
timeout (and, on the delivery transport, by the request's deadline too), so a peer that
trickles its answer a byte at a time is cut off, not waited for.
"""

from __future__ import annotations

import time

import httpx

PAST_DEADLINE = "past the request's deadline"


def read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    """``(body, whole)``: the body read before the monotonic ``deadline``; ``whole`` is False
    when the peer sent more than ``max_bytes`` (``body`` is then its first ``max_bytes``, and
    the rest is not read). Raises :class:`httpx.ReadTimeout` once the deadline has passed
    with the body not all read: callers translate it as any other read timeout."""
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            return bytes(body[:max_bytes]), False
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout(PAST_DEADLINE, request=response.request)
    return bytes(body), True
