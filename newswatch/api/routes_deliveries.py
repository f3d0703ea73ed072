"""``GET /api/deliveries`` (recent), ``GET /api/deliveries/dead`` (the dead-letter list and
the disabled channels) and ``POST /api/deliveries/{id}/replay``."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.errors import ApiError
from newswatch.api.paging import paged, parse_cursor
from newswatch.api.params import parse_id, parse_limit
from newswatch.core.errors import NotFoundError
from newswatch.core.times import iso_from_unix
from newswatch.store import keys
from newswatch.store.deliveries import Delivery, DeliveryStore
from newswatch.store.paging import newest_first

_TIMES = ("created_at", "alert_at", "next_at", "sent_at")


def view(delivery: Delivery) -> dict[str, object]:
    """A delivery as the API shows it: ISO times, the channel by id and kind (never its URL)."""
    data = delivery.to_dict()
    for name in _TIMES:
        data[name] = iso_from_unix(data[name]) if data[name] else None
    return data


def _store(request: Request) -> DeliveryStore:
    return DeliveryStore(request.app.state.redis)


def recent(request: Request) -> Response:
    """By last change, newest first, paged by ``cursor`` (a delivery that changes while a
    client pages moves to the top)."""
    params = request.query_params
    limit, after = parse_limit(params.get("limit")), parse_cursor(params.get("cursor"))
    page = newest_first(request.app.state.redis, keys.DELIVERIES_RECENT, after=after, limit=limit)
    deliveries = _store(request).get_many([member for member, _ in page.items])
    body = {"deliveries": [view(d) for d in deliveries], "count": len(deliveries)}
    return paged(request, body, page.next)


def dead(request: Request) -> Response:
    """The dead letters, newest first, paged by ``cursor``; the disabled channels."""
    store = _store(request)
    params = request.query_params
    limit, after = parse_limit(params.get("limit")), parse_cursor(params.get("cursor"))
    page = newest_first(request.app.state.redis, keys.DEAD_LETTERS, after=after, limit=limit)
    letters = store.get_many([member for member, _ in page.items])
    disabled = [
        {
            "channel": channel,
            **{k: v for k, v in why.items() if k != "at"},
            "at": iso_from_unix(float(why.get("at") or 0)),
        }
        for channel, why in sorted(store.disabled().items())
    ]
    body = {
        "dead_letters": [view(d) for d in letters],
        "count": store.dead_count(),
        "disabled_channels": disabled,
    }
    return paged(request, body, page.next)


def replay(request: Request) -> Response:
    delivery_id = parse_id(request.path_params["delivery_id"], what="delivery")
    store = _store(request)
    try:
        delivery = store.replay(delivery_id, now=time.time())
    except NotFoundError as exc:
        raise ApiError(404, exc.message) from None
    enabled = store.enable(delivery.channel)
    return JSONResponse({"delivery": view(delivery), "channel_enabled": enabled}, status_code=202)


routes = [
    Route("/api/deliveries", recent, methods=["GET"]),
    Route("/api/deliveries/dead", dead, methods=["GET"]),
    Route("/api/deliveries/{delivery_id}/replay", replay, methods=["POST"]),
]
