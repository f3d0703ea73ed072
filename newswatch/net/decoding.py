"""Content-Encoding decoding with a cap on the decoded size.

httpx decompresses each network chunk in full before a caller can count it, so a small gzip
"bomb" (a few kilobytes that inflate to gigabytes) would be expanded in memory before any cap
could trip. We ask only for gzip and deflate, read the raw bytes, and inflate them with
``max_length``: never more than the cap plus one byte is produced.
"""

from __future__ import annotations

import zlib

from newswatch.core.errors import FetchError, TooLargeError

ACCEPT_ENCODING = "gzip, deflate"
_AUTO_HEADER = zlib.MAX_WBITS | 32  # zlib or gzip header, detected
_RAW_DEFLATE = -zlib.MAX_WBITS  # servers that send "deflate" without the zlib header


class CappedDecoder:
    """Feed raw body chunks to :meth:`decode`, then call :meth:`finish`; raises
    :class:`TooLargeError` as soon as the decoded body would exceed ``limit`` bytes."""

    def __init__(self, content_encoding: str, limit: int, *, where: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in {"gzip", "x-gzip", "deflate"}):
            raise FetchError(
                f"{where}: unsupported Content-Encoding {content_encoding!r} "
                f"(we asked for {ACCEPT_ENCODING})",
                reason="decoding",
                retryable=False,
            )
        self._coding = codings[0] if codings else ""
        self._inflater = zlib.decompressobj(_AUTO_HEADER) if self._coding else None
        self._started = False
        self._limit = limit
        self._where = where
        self.size = 0

    def decode(self, chunk: bytes) -> bytes:
        if self._inflater is None:
            return self._count(chunk)
        pieces = []
        data = chunk
        while data:
            try:
                piece = self._inflater.decompress(data, self._limit - self.size + 1)
            except zlib.error as exc:
                if self._coding == "deflate" and not self._started:
                    self._inflater = zlib.decompressobj(_RAW_DEFLATE)
                    self._started = True
                    continue
                raise self._corrupt(exc) from exc
            self._started = True
            pieces.append(self._count(piece))
            data = self._inflater.unconsumed_tail
        return b"".join(pieces)

    def finish(self) -> bytes:
        if self._inflater is None:
            return b""
        try:
            return self._count(self._inflater.flush())
        except zlib.error as exc:
            raise self._corrupt(exc) from exc

    def _count(self, piece: bytes) -> bytes:
        self.size += len(piece)
        if self.size > self._limit:
            raise TooLargeError(
                f"{self._where}: body exceeds the limit of {self._limit} bytes"
                + (f" once decoded ({self._coding})" if self._coding else "")
            )
        return piece

    def _corrupt(self, exc: zlib.error) -> FetchError:
        return FetchError(
            f"{self._where}: {self._coding} body cannot be decoded ({exc})",
            reason="decoding",
            retryable=False,
        )
