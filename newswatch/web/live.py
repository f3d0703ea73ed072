"""``/web/events``: the alert event stream as server-sent events, for the alerts page's live
updates. A cursor reader of the stream (never a consumer group: a browser that goes away
holds nothing back); each message's id is the stream position, so a reconnecting browser
(``Last-Event-ID``) resumes where it was and misses nothing still in the stream.

Reads never block a thread: the stream is read without waiting, and the loop sleeps between
reads. A connection lasts at most ``MAX_SECONDS`` (the browser reconnects by itself) and ends
within a second when the server is asked to stop (an open page never holds up a shutdown)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from newswatch.store.alert_events import AlertEvents
from newswatch.web.security import protect, require_reader

POLL_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0
MAX_SECONDS = 300.0
RETRY_MS = 2000
_POSITION = re.compile(r"\d{1,20}-\d{1,20}")


def _start(request: Request) -> str:
    given = request.headers.get("last-event-id") or request.query_params.get("after") or ""
    return given if _POSITION.fullmatch(given) else "$"


async def _messages(request: Request, after: str) -> AsyncIterator[str]:
    events = AlertEvents(request.app.state.redis)
    if after == "$":
        after = await run_in_threadpool(events.position)
    yield f"retry: {RETRY_MS}\n: live\n\n"
    started = last_sent = time.monotonic()
    stopping = getattr(request.app.state, "stopping", None)  # set by `newswatch api`
    while time.monotonic() - started < MAX_SECONDS:
        if await request.is_disconnected() or (stopping is not None and stopping()):
            return
        after, batch = await run_in_threadpool(events.read, after, count=100)
        for event in batch:
            data = {"kind": event.kind, "alert": event.alert_id, "topic": event.topic}
            yield f"id: {event.id}\nevent: alert\ndata: {json.dumps(data)}\n\n"
            last_sent = time.monotonic()
        if not batch:
            if time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                last_sent = time.monotonic()
            await asyncio.sleep(POLL_SECONDS)


def alert_events(request: Request) -> Response:
    require_reader(request)
    response = StreamingResponse(
        _messages(request, _start(request)),
        media_type="text/event-stream",
        headers={"X-Accel-Buffering": "no"},
    )
    return protect(response)


routes = [Route("/web/events", alert_events, methods=["GET"])]
