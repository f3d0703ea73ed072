"""The feeds page: health at a glance, last and next poll, interval, last error, items per day;
adding a feed and removing one, through the catalogue's one validation and store (as the API
and the configuration file)."""

from __future__ import annotations

import email.utils
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newswatch.core.catalog import Feed
from newswatch.core.discovery import USUAL_PATHS
from newswatch.core.errors import (
    ConfigError,
    ConflictError,
    FeedParseError,
    FetchError,
    NotFoundError,
)
from newswatch.core.opml import export_opml, feed_inputs
from newswatch.core.validate import check_feed, feed_identity
from newswatch.discovering import GIVEN, Discoverer
from newswatch.opml import MAX_OPML_BYTES, parse_opml
from newswatch.store.catalog import CatalogStore
from newswatch.store.feeds import FeedStateStore
from newswatch.web.security import change_form, done, protect, require_reader
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
        address_help="A feed's address (RSS, Atom), or a site's: the feeds its page "
        "announces are found, else the usual places (/feed, /rss.xml ...).",
    )


def list_feeds(request: Request) -> Response:
    return feeds_page(request)


async def add_feed(request: Request) -> Response:
    """A feed's address, or a site's: a page is searched for the feeds it announces, then
    the usual places, through the scheduler's fetcher and feed parser (as ``feeds add``);
    the first feed found is added, under its own title unless a name is given."""
    form = await change_form(request)
    address, name = _text(form, "address"), _text(form, "name")
    again = {"address": address, "name": name}
    _, found = check_feed({"url": address})
    errors = [p.text() for p in found if p.severity == "error"]
    if errors:
        return feeds_page(request, problems=errors, status=422, **again)
    catalog = CatalogStore(request.app.state.redis)
    for known in catalog.feeds():  # before anything is fetched
        if feed_identity(known.url) == feed_identity(address):
            why = f"{address} is already watched: {known.display_name}"
            return feeds_page(request, problems=[why], status=409, **again)
    try:
        async with Discoverer(request.app.state.settings) as discoverer:
            discovery = await discoverer.discover(address)
    except (FetchError, FeedParseError) as exc:
        return feeds_page(request, problems=[f"cannot add {address}: {exc}"], status=422, **again)
    if not discovery.feeds:
        announced = "none of its feed links works" if discovery.announced else "it announces none"
        why = f"no feed found at {address}: {announced}, nor is one at {', '.join(USUAL_PATHS)}"
        return feeds_page(request, problems=[why], status=422, **again)
    chosen = discovery.feeds[0]
    raw: dict[str, Any] = {"url": chosen.url}
    if name or chosen.title:
        raw["name"] = name or chosen.title
    feed, found = check_feed(raw)
    errors = [p.text() for p in found if p.severity == "error"]
    if feed is None or errors:
        return feeds_page(request, problems=errors, status=422, **again)
    try:
        catalog.add(feed, origin=ORIGIN)
    except ConflictError as exc:
        return feeds_page(request, problems=[exc.message], status=409, **again)
    how = "" if chosen.found_as == GIVEN else f" (found as {chosen.found_as} by {address})"
    return done("/feeds", f"Added {feed.display_name} <{feed.url}>{how}")


async def remove_feed(request: Request) -> Response:
    form = await change_form(request)
    catalog = CatalogStore(request.app.state.redis)
    try:
        entry = catalog.find("feed", _text(form, "id"))
    except NotFoundError as exc:
        return feeds_page(request, problems=[exc.message], status=404)
    catalog.remove("feed", entry.item.key)
    return done("/feeds", f"Removed {entry.item.url}")


async def import_opml(request: Request) -> Response:
    """Every feed of an uploaded OPML list (another reader's export), as ``feeds
    import-opml``: repeats and feeds already watched skipped, unusable entries reported."""
    form = await change_form(request, max_bytes=MAX_OPML_BYTES)
    upload = form.get("opml")
    if not isinstance(upload, UploadFile):
        return feeds_page(request, problems=["choose an OPML file to import"], status=422)
    try:
        data = await upload.read(MAX_OPML_BYTES + 1)
    finally:
        await upload.close()
    if len(data) > MAX_OPML_BYTES:
        why = f"{upload.filename}: larger than {MAX_OPML_BYTES // 1024 // 1024} MB"
        return feeds_page(request, problems=[why], status=413)
    try:
        entries = parse_opml(data, source=upload.filename or "the file")
    except ConfigError as exc:
        return feeds_page(request, problems=list(exc.problems), status=422)
    catalog = CatalogStore(request.app.state.redis)
    refused: list[str] = []
    usable: list[Feed] = []
    for entry, raw in feed_inputs(entries):
        feed, found = check_feed(raw)
        errors = [p.text() for p in found if p.severity == "error"]
        if feed is None or errors:
            refused.append(f"{entry.label()}: {'; '.join(errors)}")
        else:
            usable.append(feed)
    # one write for the whole list; repeats and feeds already there come back with why
    outcomes = await run_in_threadpool(catalog.add_feeds, usable, origin=ORIGIN)
    added = sum(1 for why_not in outcomes if why_not is None)
    skipped = len(outcomes) - added
    notice = (
        f"{upload.filename}: {len(entries)} entries: {added} added, {skipped} already there or "
        f"repeated, {len(refused)} refused"
    )
    if refused:
        return feeds_page(request, problems=refused, notice=notice, status=422)
    return done("/feeds", notice)


def export_opml_file(request: Request) -> Response:
    require_reader(request)
    feeds = CatalogStore(request.app.state.redis).feeds()
    document = export_opml(
        feeds, title="newswatch feeds", created=email.utils.formatdate(time.time(), usegmt=True)
    )
    response = Response(
        document,
        media_type="text/x-opml",
        headers={"Content-Disposition": 'attachment; filename="newswatch-feeds.opml"'},
    )
    return protect(response)


routes = [
    Route("/feeds", list_feeds, methods=["GET"]),
    Route("/feeds/add", add_feed, methods=["POST"]),
    Route("/feeds/remove", remove_feed, methods=["POST"]),
    Route("/feeds/import", import_opml, methods=["POST"]),
    Route("/feeds.opml", export_opml_file, methods=["GET"]),
]
