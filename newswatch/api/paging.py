"""Paging for every list endpoint: ``?cursor=`` in, ``next`` out.

A list answers ``{"<items>": [...], "count": n, "next": "/api/...?...&cursor=..."}``; ``next`` is
null on the last page. Following ``next`` until it is null reads every item once, with no gap
and no repeat, however many arrive meanwhile (new ones come at the other end: the next read
from the top shows them). The same link goes in a ``Link: <...>; rel="next"`` header. Cursors
are opaque (:mod:`newswatch.core.cursor`); a forged one is a 400.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from newswatch.api.errors import ApiError
from newswatch.core.cursor import CursorError, Position, decode_cursor, encode_cursor


def parse_cursor(value: str | None) -> Position | None:
    if value is None or value == "":
        return None
    try:
        return decode_cursor(value)
    except CursorError as exc:
        raise ApiError(
            400, f"invalid cursor: {exc} (pass on the one a `next` link carries)"
        ) from None


def next_link(request: Request, position: Position | None) -> str | None:
    """The path and query of the next page: the same parameters, the new cursor."""
    if position is None:
        return None
    url = request.url.include_query_params(cursor=encode_cursor(position))
    return f"{url.path}?{url.query}"


def paged(request: Request, body: dict[str, Any], position: Position | None) -> JSONResponse:
    """``body`` with ``next`` (and the Link header) for the page ending at ``position``."""
    link = next_link(request, position)
    response = JSONResponse({**body, "next": link})
    if link is not None:
        response.headers["Link"] = f'<{link}>; rel="next"'
    return response
