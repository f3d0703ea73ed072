"""Opaque paging cursors: where the previous page of a list ended.

A list read newest first is ordered by (time, id), both descending; the cursor is the last item
served, so the next page starts strictly after it. Items added meanwhile (at the new end) or
dropped (at the old end) shift nothing: reading page after page returns every item that stayed
from the first page to the last, once. A cursor is URL-safe base64 of its fields, opaque to
clients, and checked on the way in (a forged or truncated one is refused, not misread).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import math

MAX_CURSOR_CHARS = 512
_VERSION = "1"


class CursorError(ValueError):
    """A cursor that was not made by :func:`encode_cursor` (or was cut short)."""


@dataclasses.dataclass(frozen=True)
class Position:
    """An item's place in a list: its sort value (a unix time, or a stream entry's time) and
    its id, which orders items of equal value."""

    score: float
    member: str


def encode_cursor(position: Position) -> str:
    raw = f"{_VERSION} {position.score!r} {position.member}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(text: str) -> Position:
    """The position a cursor names; raises CursorError saying what is wrong."""
    if not text or len(text) > MAX_CURSOR_CHARS:
        raise CursorError(f"a cursor has 1 to {MAX_CURSOR_CHARS} characters")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise CursorError("not a cursor this API gave out") from None
    version, _, rest = raw.partition(" ")
    score_text, _, member = rest.partition(" ")
    try:
        score = float(score_text)
    except ValueError:
        score = math.nan
    if version != _VERSION or not member or not math.isfinite(score):
        raise CursorError("not a cursor this API gave out")
    return Position(score, member)
