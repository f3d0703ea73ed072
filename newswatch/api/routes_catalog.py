"""The catalogue over HTTP: ``GET/POST /api/feeds|topics|subscriptions`` and
``GET/PUT/DELETE /api/feeds|topics|subscriptions/{id or name}``.

Every write goes through the same validation as a configuration file and the command line
(:mod:`newswatch.core.validate`) and the same store (:class:`CatalogStore`): a refusal is a
422 naming each field at fault (with the position in a query and a hint), 404 for an unknown
name (with the closest one), 409 for a conflict (the item exists, a subscription follows the
topic). Running processes follow the change within seconds (the catalogue's version).
``POST /api/feeds?discover=1`` takes a site's page as well as a feed
(:mod:`newswatch.api.feed_discovery`). ``PUT`` changes the fields it gives and keeps the
others; on a topic or subscription that does not exist yet it creates it. ``POST``/``PUT`` of
a topic with ``?backfill=DAYS`` also raises its alerts on the articles stored in the last DAYS
days (:mod:`newswatch.backfill`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.body import read_json_object
from newswatch.api.errors import ApiError
from newswatch.api.feed_discovery import discovered_body, wants_discovery
from newswatch.api.paging import paged, parse_cursor
from newswatch.api.params import MAX_LIMIT, parse_limit, parse_ref
from newswatch.backfill import MAX_BACKFILL_DAYS, backfill
from newswatch.catalog_items import CHECKS as _CHECKS
from newswatch.catalog_items import entry_view
from newswatch.catalog_items import iso_times as _iso_times
from newswatch.core.catalog import Kind
from newswatch.core.cursor import Position
from newswatch.core.errors import NotFoundError
from newswatch.core.problems import InvalidInput, Problem
from newswatch.core.validate import as_input
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore, Entry
from newswatch.store.feeds import FeedStateStore

ORIGIN = "api"
_IDENTITY = {"feed": "url", "topic": "name", "subscription": "name"}


def _catalog(request: Request) -> CatalogStore:
    return CatalogStore(request.app.state.redis)


def _ref(request: Request) -> str:
    return parse_ref(request.path_params["ref"])


def _validated(kind: Kind, body: dict[str, Any]) -> tuple[Any, list[Problem]]:
    item, problems = _CHECKS[kind](body)
    errors = [p for p in problems if p.severity == "error"]
    if item is None or errors:
        raise _invalid(kind, errors)
    return item, [p for p in problems if p.severity == "warning"]


def _invalid(kind: Kind, problems: list[Problem]) -> InvalidInput:
    return InvalidInput(problems, what=kind)


def _written(
    entry: Entry[Any], warnings: list[Problem], status: int, extra: dict[str, Any] | None = None
) -> Response:
    body = {**entry_view(entry), "warnings": [w.to_dict() for w in warnings], **(extra or {})}
    return JSONResponse(body, status_code=status)


def _backfill_days(request: Request) -> int | None:
    """``?backfill=DAYS`` on a topic write: alerts for the articles stored in those days."""
    value = request.query_params.get("backfill")
    if value is None or value == "":
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_BACKFILL_DAYS:
        raise ApiError(
            400, f"invalid backfill {value[:40]!r}: expected days from 1 to {MAX_BACKFILL_DAYS}"
        )
    return int(value)


async def _backfill(request: Request, entry: Entry[Any], days: int | None) -> dict[str, Any]:
    if days is None:
        return {}
    settings = request.app.state.settings
    done = await run_in_threadpool(
        backfill, request.app.state.redis, entry.item, days=days, settings=settings
    )
    return {"backfill": done.to_dict()}


# -- feeds -------------------------------------------------------------------------------------


def _feed_views(request: Request) -> list[dict[str, Any]]:
    entries = {entry.item.key: entry for entry in _catalog(request).entries("feed")}
    views = []
    for state in FeedStateStore(request.app.state.redis).list_states():
        entry = entries.get(state["id"])
        if entry is not None:
            state.update(
                origin=entry.origin, created_at=entry.created_at, updated_at=entry.updated_at
            )
        views.append(_iso_times(state))
    return views


def list_feeds(request: Request) -> Response:
    """Every feed with its poll state and last error, never-polled ones included, by URL;
    ``limit`` (default and at most 500) a page, ``next`` reads on."""
    params = request.query_params
    limit = parse_limit(params.get("limit") or str(MAX_LIMIT))
    after = parse_cursor(params.get("cursor"))
    views = [v for v in _feed_views(request) if after is None or v["url"] > after.member]
    page = views[:limit]
    following = Position(0.0, page[-1]["url"]) if len(views) > limit else None
    return paged(request, {"feeds": page, "count": len(page)}, following)


def get_feed(request: Request) -> Response:
    entry = _catalog(request).find("feed", _ref(request))
    for view in _feed_views(request):
        if view["id"] == entry.item.key:
            return JSONResponse(view)
    raise NotFoundError(f"no feed {entry.item.url!r}")


# -- topics ------------------------------------------------------------------------------------


def list_topics(request: Request) -> Response:
    """Topics with their alert counts, then topics that still have alerts but are no longer
    in the catalogue (``configured: false``)."""
    store: AlertStore = request.app.state.alerts
    counts = store.topics()
    entries = sorted(_catalog(request).entries("topic"), key=lambda e: e.item.name)
    topics = [
        {**entry_view(e), "alerts": counts.pop(e.item.name, 0), "configured": True} for e in entries
    ]
    topics += [
        {"name": name, "alerts": n, "configured": False} for name, n in sorted(counts.items())
    ]
    return JSONResponse({"topics": topics, "count": len(topics)})


def _get(kind: Kind) -> Callable[[Request], Response]:
    def get_one(request: Request) -> Response:
        entry = _catalog(request).find(kind, _ref(request))
        view = entry_view(entry)
        if kind == "topic":
            view["alerts"] = request.app.state.alerts.count(entry.item.name)
        return JSONResponse(view)

    return get_one


def list_subscriptions(request: Request) -> Response:
    entries = sorted(_catalog(request).entries("subscription"), key=lambda e: e.item.name)
    subscriptions = [entry_view(e) for e in entries]
    return JSONResponse({"subscriptions": subscriptions, "count": len(subscriptions)})


# -- writes ------------------------------------------------------------------------------------


def _create(kind: Kind) -> Callable[[Request], Any]:
    async def create(request: Request) -> Response:
        days = _backfill_days(request) if kind == "topic" else None
        body = await read_json_object(request)
        item, warnings = _validated(kind, body)
        found: dict[str, Any] = {}
        if kind == "feed" and wants_discovery(request):  # the url may be a site's page
            body, found["discovery"] = await discovered_body(request, body)
            item, warnings = _validated(kind, body)
        entry = await run_in_threadpool(_catalog(request).add, item, origin=ORIGIN)
        extra = {**found, **await _backfill(request, entry, days)}
        response = _written(entry, warnings, 201, extra)
        response.headers["Location"] = f"{request.url.path.rstrip('/')}/{entry.item.key}"
        return response

    return create


def _replace(kind: Kind) -> Callable[[Request], Any]:
    identity = _IDENTITY[kind]

    async def replace(request: Request) -> Response:
        ref = _ref(request)
        days = _backfill_days(request) if kind == "topic" else None
        body = await read_json_object(request)
        store = _catalog(request)
        try:
            before: Entry[Any] | None = await run_in_threadpool(store.find, kind, ref)
        except NotFoundError:
            if kind == "feed":
                raise
            before = None
        current = as_input(before.item) if before is not None else {identity: ref}
        if body.get(identity, current[identity]) != current[identity]:
            raise _invalid(kind, [_identity_problem(kind, identity, current[identity])])
        item, warnings = _validated(kind, {**current, **body})
        entry = await run_in_threadpool(store.put, item, origin=ORIGIN)
        extra = await _backfill(request, entry, days)
        return _written(entry, warnings, 200 if before is not None else 201, extra)

    return replace


def _identity_problem(kind: Kind, field: str, value: str) -> Problem:
    if kind == "feed":
        why = "a feed's URL is what it is (its id is made from it): add the new URL as a feed "
        why += "and remove this one"
    else:
        why = f"the name is the {kind}'s identity: add one under the new name and remove this one"
    return Problem((field,), f"must be {value!r} (the {kind} this request names): {why}")


def _remove(kind: Kind) -> Callable[[Request], Any]:
    async def remove(request: Request) -> Response:
        store = _catalog(request)
        entry = await run_in_threadpool(store.find, kind, _ref(request))
        removed = await run_in_threadpool(store.remove, kind, entry.item.key)
        return JSONResponse({"removed": entry_view(removed)})

    return remove


routes = [
    Route("/api/feeds", list_feeds, methods=["GET"]),
    Route("/api/feeds", _create("feed"), methods=["POST"]),
    Route("/api/feeds/{ref:path}", get_feed, methods=["GET"]),
    Route("/api/feeds/{ref:path}", _replace("feed"), methods=["PUT"]),
    Route("/api/feeds/{ref:path}", _remove("feed"), methods=["DELETE"]),
    Route("/api/topics", list_topics, methods=["GET"]),
    Route("/api/topics", _create("topic"), methods=["POST"]),
    Route("/api/topics/{ref}", _get("topic"), methods=["GET"]),
    Route("/api/topics/{ref}", _replace("topic"), methods=["PUT"]),
    Route("/api/topics/{ref}", _remove("topic"), methods=["DELETE"]),
    Route("/api/subscriptions", list_subscriptions, methods=["GET"]),
    Route("/api/subscriptions", _create("subscription"), methods=["POST"]),
    Route("/api/subscriptions/{ref}", _get("subscription"), methods=["GET"]),
    Route("/api/subscriptions/{ref}", _replace("subscription"), methods=["PUT"]),
    Route("/api/subscriptions/{ref}", _remove("subscription"), methods=["DELETE"]),
]
