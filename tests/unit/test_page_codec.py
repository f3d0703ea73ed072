"""Pages in transit: stored as zstd frames, and a page stored by an earlier release (zlib)
still read."""

from __future__ import annotations

import threading
import zlib

from newswatch.store.pages import decode_page, encode_page

PAGE = "<html><body><p>Ünïcode page, repeated.</p></body></html>".encode() * 500


def test_a_page_round_trips_through_a_zstd_frame() -> None:
    stored = encode_page(PAGE)
    assert stored.startswith(b"\x28\xb5\x2f\xfd")  # zstd's magic number
    assert len(stored) < len(PAGE)
    assert decode_page(stored) == PAGE


def test_a_page_stored_by_an_earlier_release_is_read() -> None:
    assert decode_page(zlib.compress(PAGE, 3)) == PAGE


def test_an_empty_page_round_trips() -> None:
    assert decode_page(encode_page(b"")) == b""


def test_threads_encode_and_decode_at_once() -> None:
    pages = [PAGE + str(n).encode() for n in range(8)]
    failures: list[int] = []

    def work(n: int) -> None:
        for _ in range(50):
            if decode_page(encode_page(pages[n])) != pages[n]:
                failures.append(n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
