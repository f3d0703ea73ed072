"""The topics page (each topic with its alerts per day) and the topic editor: the query is
checked as the catalogue checks it (the fault's position marked), and saved through the
catalogue's one validation and store. Without JavaScript the editor's buttons post the form
(check, save); with it, the query is checked as it is typed (``/web/topics/check``)."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch import topics as topic_pack
from newswatch.api.body import read_json_object
from newswatch.core.catalog import Topic
from newswatch.core.errors import NotFoundError
from newswatch.core.problems import Problem
from newswatch.core.validate import check_topic
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.web.security import (
    PageError,
    change_form,
    check_csrf_header,
    done,
    protect,
    require_reader,
    require_writer,
)
from newswatch.web.templating import render

ORIGIN = "web"
DAY = 86400.0
WEEK_DAYS = 7
MAX_QUERY_CHARS = 64_000  # the catalogue's own cap is checked by check_topic
MAX_NAME_CHARS = 200


def _text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def topics_page(request: Request) -> Response:
    require_reader(request)
    entries = sorted(
        CatalogStore(request.app.state.redis).entries("topic"), key=lambda e: e.item.key
    )
    store: AlertStore = request.app.state.alerts
    names = [e.item.name for e in entries]
    now = time.time()
    week = store.counts_since(names, now - WEEK_DAYS * DAY)
    today = store.counts_since(names, now - DAY)
    totals = store.topics()
    rows = [
        {
            "name": e.item.name,
            "query": e.item.query if not e.item.pack else f"pack: {e.item.pack}",
            "languages": e.item.languages,
            "origin": e.origin,
            "per_day": week[e.item.name] / WEEK_DAYS,
            "today": today[e.item.name],
            "alerts": totals.get(e.item.name, 0),
        }
        for e in entries
    ]
    return render(
        request,
        "topics.html",
        title="Topics",
        topics=rows,
        notice=request.query_params.get("notice", "")[:200],
    )


def _problems_view(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.to_dict() for p in problems]


def check(fields: dict[str, Any]) -> tuple[Topic | None, list[Problem]]:
    """The topic the fields make, and every problem (as a file's or the API's topic)."""
    return check_topic(fields, packs=topic_pack.lookup)


def _fields(name: str, query: str, languages: str) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": name, "query": query}
    langs = [part.strip() for part in languages.replace(",", " ").split() if part.strip()]
    if langs:
        fields["languages"] = langs
    return fields


def editor(
    request: Request,
    *,
    name: str = "",
    query: str = "",
    languages: str = "",
    existing: bool = False,
    problems: list[Problem] | None = None,
    checked: bool = False,
    status: int = 200,
) -> Response:
    found = problems or []
    query_fault = next((p for p in found if p.loc == ("query",) and p.position is not None), None)
    return render(
        request,
        "topic_edit.html",
        status=status,
        title=f"Topic {name}" if existing else "New topic",
        name=name,
        query=query,
        languages=languages,
        existing=existing,
        problems=[p.to_dict() for p in found],
        errors=[p for p in found if p.severity == "error"],
        fault=query_fault,
        checked=checked,
    )


def new_topic(request: Request) -> Response:
    require_writer(request)
    return editor(request)


def edit_topic(request: Request) -> Response:
    require_writer(request)
    try:
        entry = CatalogStore(request.app.state.redis).find("topic", request.path_params["name"])
    except NotFoundError as exc:
        raise PageError(404, exc.message) from None
    topic: Topic = entry.item
    return editor(
        request,
        name=topic.name,
        query=topic.query,
        languages=" ".join(topic.languages),
        existing=True,
    )


async def save_topic(request: Request) -> Response:
    """The editor's form: ``action`` check (show the problems), or save."""
    form = await change_form(request)
    name = _text(form, "name", MAX_NAME_CHARS)
    query = _text(form, "query", MAX_QUERY_CHARS)
    languages = _text(form, "languages", 200)
    existing = _text(form, "existing", 10) == "1"
    topic, problems = check(_fields(name, query, languages))
    errors = [p for p in problems if p.severity == "error"]
    view: dict[str, Any] = {
        "name": name,
        "query": query,
        "languages": languages,
        "existing": existing,
    }
    if _text(form, "action", 20) != "save" or topic is None or errors:
        status = 422 if errors else 200
        return editor(request, **view, problems=problems, checked=True, status=status)
    catalog = CatalogStore(request.app.state.redis)
    if not existing and catalog.get("topic", topic.name) is not None:
        clash = Problem(("name",), f"a topic named {topic.name!r} exists: choose another name")
        return editor(request, **view, problems=[clash], checked=True, status=409)
    catalog.put(topic, origin=ORIGIN)
    return done("/topics", f"Saved {topic.name}")


async def remove_topic(request: Request) -> Response:
    await change_form(request)
    catalog = CatalogStore(request.app.state.redis)
    try:
        entry = catalog.find("topic", request.path_params["name"])
    except NotFoundError as exc:
        raise PageError(404, exc.message) from None
    catalog.remove("topic", entry.item.key)
    return done("/topics", f"Removed {entry.item.name}")


async def check_query(request: Request) -> Response:
    """The editor's check as you type: ``{"query", "languages"}`` -> the problems, each
    with ``offset`` (0-based) where the query is at fault."""
    check_csrf_header(request)
    body = await read_json_object(request)
    query = str(body.get("query") or "")[:MAX_QUERY_CHARS]
    fields = _fields("check", query, str(body.get("languages") or "")[:200])
    _, problems = check(fields)
    shown = [p for p in problems if p.loc and p.loc[0] in ("query", "languages", "pack")]
    return protect(
        JSONResponse(
            {
                "ok": not [p for p in shown if p.severity == "error"],
                "problems": _problems_view(shown),
            }
        )
    )


routes = [
    Route("/topics", topics_page, methods=["GET"]),
    Route("/topics/new", new_topic, methods=["GET"]),
    Route("/topics/save", save_topic, methods=["POST"]),
    Route("/topics/{name}", edit_topic, methods=["GET"]),
    Route("/topics/{name}/remove", remove_topic, methods=["POST"]),
    Route("/web/topics/check", check_query, methods=["POST"]),
]
