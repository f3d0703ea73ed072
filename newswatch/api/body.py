"""Reading a JSON request body: capped in bytes and in time, parsed, and refused with a
clear message."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request

from newswatch.api.errors import ApiError

MAX_BODY_BYTES = 256 * 1024  # a catalogue item is a few hundred bytes; a tested text more


def body_seconds(request: Request) -> float:
    """Seconds a client has to send a request body (JSON or a web form), the
    ``api_body_timeout`` setting: one that trickles it, or declares more than it sends, would
    otherwise hold its connection and a task for ever."""
    seconds: float = request.app.state.settings.api_body_timeout
    return seconds


def too_slow(seconds: float) -> str:
    return f"the request body did not arrive within {seconds:g} seconds"


async def read_json_object(request: Request, *, max_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The body as a JSON object; 413 beyond ``max_bytes``, 408 when it takes longer than
    :func:`body_seconds` to arrive, 400 for anything not an object."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, f"request body larger than {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    seconds = body_seconds(request)
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes:
                    raise ApiError(413, f"request body larger than {max_bytes} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise ApiError(408, too_slow(seconds)) from None
    raw = b"".join(chunks)
    if not raw.strip():
        raise ApiError(400, "the request needs a JSON object as its body")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"the body is not JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"the body must be a JSON object, got {type(data).__name__}")
    return data
