"""The feeds page: health at a glance, last and next poll, interval, last error, items per day;
adding a feed and removing one, through the catalogue's one validation and store (as the API
and the configuration file)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newswatch.core.errors import NotFoundError
from newswatch.core.validate import check_feed
from newswatch.store.catalog import CatalogStore
from newswatch.store.feeds import FeedStateStore
from newswatch.web.security import change_form, done, require_reader
from newswatch.web.templating import render

ORIGIN = "web"
MAX_FIELD_CHARS = 2048
HEALTH_ORDER = {"parked": 0, "failing": 1, "slow": 2, "ok": 3}


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip()[:MAX_FIELD_CHARS] if isinstance(value, str) else ""


def feed_rows(request: Request) -> list[dict[str, Any]]:
    """Every feed with its poll state, the unhealthy first."""
    rows = FeedStateStore(request.app.state.redis).list_states()
    for row in rows:
        rate = row.get("rate")
        row["per_day"] = rate * 24 if isinstance(rate, int | float) else None
        if row.get("last_status") == "never_polled":
            row["health"] = "new"
    rows.sort(key=lambda r: (HEALTH_ORDER.get(str(r.get("health")), 4), str(r.get("name"))))
    return rows


def feeds_page(
    request: Request,
    *,
    problems: list[str] | None = None,
    notice: str = "",
    status: int = 200,
    address: str = "",
    name: str = "",
) -> Response:
    require_reader(request)
    rows = feed_rows(request)
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row["health"])] = counts.get(str(row["health"]), 0) + 1
    return render(
        request,
        "feeds.html",
        status=status,
        title="Feeds",
        feeds=rows,
        counts=counts,
        problems=problems or [],
        notice=notice or request.query_params.get("notice", "")[:200],
        address=address,
        name=name,
        address_help="The address of an RSS or Atom feed.",
    )


def list_feeds(request: Request) -> Response:
    return feeds_page(request)


async def add_feed(request: Request) -> Response:
    form = await change_form(request)
    address, name = _text(form, "address"), _text(form, "name")
    raw: dict[str, Any] = {"url": address}
    if name:
        raw["name"] = name
    feed, found = check_feed(raw)
    errors = [p.text() for p in found if p.severity == "error"]
    if feed is None or errors:
        return feeds_page(request, problems=errors, status=422, address=address, name=name)
    catalog = CatalogStore(request.app.state.redis)
    if catalog.get("feed", feed.key) is not None:
        return feeds_page(
            request, problems=[f"{feed.url} is already watched"], status=409, address=address
        )
    catalog.add(feed, origin=ORIGIN)
    return done("/feeds", f"Added {feed.url}")


async def remove_feed(request: Request) -> Response:
    form = await change_form(request)
    catalog = CatalogStore(request.app.state.redis)
    try:
        entry = catalog.find("feed", _text(form, "id"))
    except NotFoundError as exc:
        return feeds_page(request, problems=[exc.message], status=404)
    catalog.remove("feed", entry.item.key)
    return done("/feeds", f"Removed {entry.item.url}")


routes = [
    Route("/feeds", list_feeds, methods=["GET"]),
    Route("/feeds/add", add_feed, methods=["POST"]),
    Route("/feeds/remove", remove_feed, methods=["POST"]),
]
