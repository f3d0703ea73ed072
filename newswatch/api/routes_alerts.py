"""GET /api/alerts and /api/alerts/{id}."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.contract import public_alert
from newswatch.api.errors import ApiError
from newswatch.api.paging import paged, parse_cursor
from newswatch.api.params import parse_id, parse_limit, parse_since, parse_topic
from newswatch.store.alerts import AlertStore
from newswatch.topic_names import check_topic_name


def _store(request: Request) -> AlertStore:
    store: AlertStore = request.app.state.alerts
    return store


def list_alerts(request: Request) -> Response:
    """Newest first, ``limit`` a page; ``next`` reads on (see :mod:`newswatch.api.paging`).
    An unknown ``topic`` is a 404 with the closest name."""
    params = request.query_params
    topic = parse_topic(params.get("topic"))
    since = parse_since(params.get("since"))
    limit = parse_limit(params.get("limit"))
    after = parse_cursor(params.get("cursor"))
    if topic is not None:
        check_topic_name(request.app.state.redis, topic)
    alerts, following = _store(request).page(topic=topic, since=since, after=after, limit=limit)
    body = {"alerts": [public_alert(a) for a in alerts], "count": len(alerts)}
    return paged(request, body, following)


def get_alert(request: Request) -> Response:
    alert_id = parse_id(request.path_params["alert_id"], what="alert")
    alert = _store(request).get(alert_id)
    if alert is None:
        raise ApiError(404, f"no alert with id {alert_id!r}")
    return JSONResponse(public_alert(alert))


routes = [
    Route("/api/alerts", list_alerts, methods=["GET"]),
    Route("/api/alerts/{alert_id}", get_alert, methods=["GET"]),
]
