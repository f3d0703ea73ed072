"""Feeds of alerts: ``GET /feeds/topics/{name}.atom|.json`` and
``/feeds/subscriptions/{name}.atom|.json``, the newest alerts of a topic or of every topic a
subscription follows. They need the read token wherever the API requires one."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.contract import public_alert
from newswatch.api.errors import ApiError
from newswatch.core.errors import NotFoundError
from newswatch.core.validate import NAME_RE
from newswatch.delivery.feeds import FEED_ENTRIES, atom, json_feed
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore

ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _name(request: Request) -> tuple[str, str]:
    name, _, form = str(request.path_params["name"]).rpartition(".")
    if form not in ("atom", "json") or not NAME_RE.fullmatch(name):
        raise ApiError(404, "feeds are /feeds/{topics|subscriptions}/NAME.atom or NAME.json")
    return name, form


def _topics(request: Request, kind: str, name: str) -> list[str]:
    catalog = CatalogStore(request.app.state.redis)
    try:
        entry = catalog.find("topic" if kind == "topics" else "subscription", name)
    except NotFoundError as exc:
        raise ApiError(404, exc.message) from None
    return [entry.item.name] if kind == "topics" else list(entry.item.topics)


def _alerts(request: Request, topics: list[str]) -> list[dict[str, Any]]:
    store: AlertStore = request.app.state.alerts
    alerts = [public_alert(a) for t in topics for a in store.list(topic=t, limit=FEED_ENTRIES)]
    alerts.sort(key=lambda a: str(a.get("created_at")), reverse=True)
    return alerts[:FEED_ENTRIES]


def feed(request: Request) -> Response:
    kind = str(request.path_params["kind"])
    if kind not in ("topics", "subscriptions"):
        raise ApiError(404, "feeds are /feeds/{topics|subscriptions}/NAME.atom or NAME.json")
    name, form = _name(request)
    alerts = _alerts(request, _topics(request, kind, name))
    title = f"newswatch: {'topic' if kind == 'topics' else 'subscription'} {name}"
    if form == "json":
        return JSONResponse(json_feed(alerts, title=title))
    body = atom(
        alerts, feed_id=f"urn:newswatch:{kind}:{name}", title=title, self_url=str(request.url)
    )
    return Response(body, media_type=ATOM_TYPE)


routes = [Route("/feeds/{kind}/{name}", feed, methods=["GET"])]
