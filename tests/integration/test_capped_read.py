"""The one synchronous capped read (newswatch.net.capped), against a real origin: a body
within the cap comes whole, a longer one is cut at the cap and flagged, and a trickled one
is cut off at the deadline with a read timeout, whatever the pace of each byte. Both
synchronous callers (deliveries, ``newswatch status``) read through it."""

from __future__ import annotations

import time

import httpx
import pytest

from newswatch import status
from newswatch.net.capped import PAST_DEADLINE, read_capped
from tests.support.origin import Origin, Route


def _read(url: str, max_bytes: int, seconds: float) -> tuple[bytes, bool]:
    with httpx.stream("GET", url, timeout=5.0) as response:
        return read_capped(response, max_bytes, time.monotonic() + seconds)


def test_a_body_within_the_cap_comes_whole_and_a_longer_one_is_cut_at_the_cap(
    origin: Origin,
) -> None:
    origin.routes["/small"] = Route(b"x" * 100)
    origin.routes["/large"] = Route(b"y" * 300_000)
    assert _read(origin.url("/small"), 100, 10.0) == (b"x" * 100, True)
    assert _read(origin.url("/large"), 1000, 10.0) == (b"y" * 1000, False)


def test_a_trickled_body_is_cut_off_at_the_deadline_with_a_read_timeout(origin: Origin) -> None:
    # 200 bytes, one every 0.05 s: each read far within the client's 5 s read timeout
    origin.routes["/slow"] = Route(b"z" * 200, drip=0.05)
    with pytest.raises(httpx.ReadTimeout, match=PAST_DEADLINE):
        _read(origin.url("/slow"), 1000, 0.5)


def test_status_reads_metrics_through_it_a_trickled_answer_gives_no_counts(
    origin: Origin,
) -> None:
    exposition = b'newswatch_articles_processed_total{result="extracted"} 3.0\n'
    origin.routes["/metrics"] = Route(exposition, content_type="text/plain")
    assert status._from_metrics(origin.url("/metrics")) == {
        "articles": {"extracted": 3.0}, "freshness": {},
    }  # fmt: skip
    origin.routes["/metrics"] = Route(exposition * 40, content_type="text/plain", drip=0.002)
    assert status._from_metrics(origin.url("/metrics")) is None  # 2,400 bytes: about 5 s
