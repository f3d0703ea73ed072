"""Bounded Content-Encoding decoding: a compression bomb trips the cap without ever being
inflated in memory."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from newswatch.core.errors import FetchError, TooLargeError
from newswatch.net.decoding import CappedDecoder

BODY = b"<rss><channel><title>t</title></channel></rss>\n" * 2000


def decode_all(encoding: str, wire: bytes, limit: int, chunk: int = 1000) -> bytes:
    decoder = CappedDecoder(encoding, limit, where="fetching http://example.test/")
    parts = [decoder.decode(wire[i : i + chunk]) for i in range(0, len(wire), chunk)]
    return b"".join(parts) + decoder.finish()


@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        ("", BODY),
        ("identity", BODY),
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("deflate", zlib.compress(BODY)),  # zlib-wrapped, as the RFC says
        ("deflate", zlib.compress(BODY)[2:-4]),  # raw deflate, as some servers send it
        ("GZIP ", gzip.compress(BODY)),
    ],
)
def test_encodings_decode_to_the_body(encoding: str, wire: bytes) -> None:
    assert decode_all(encoding, wire, limit=len(BODY)) == BODY


def test_one_byte_over_the_limit_is_refused() -> None:
    with pytest.raises(TooLargeError, match=f"limit of {len(BODY) - 1} bytes once decoded"):
        decode_all("gzip", gzip.compress(BODY), limit=len(BODY) - 1)


def test_a_compression_bomb_is_refused_without_inflating_it() -> None:
    bomb = zlib.compress(b"\0" * (256 * 1024 * 1024), 9)  # 256 MiB in about 250 KiB
    limit = 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError):
            decode_all("deflate", bomb, limit=limit, chunk=len(bomb))  # one huge chunk
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * limit, f"decoding used {peak} bytes at its peak"


def test_corrupt_gzip_is_a_decoding_error() -> None:
    with pytest.raises(FetchError, match="gzip body cannot be decoded") as caught:
        decode_all("gzip", b"\x1f\x8b\x08\x00not really gzip at all", limit=10_000)
    assert caught.value.reason == "decoding"
    assert not caught.value.retryable


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br", "compress"])
def test_encodings_we_did_not_ask_for_are_refused(encoding: str) -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding") as caught:
        CappedDecoder(encoding, 100, where="fetching http://example.test/")
    assert caught.value.reason == "decoding"
