"""The topics page (each topic with its alerts per day) and the topic editor: the query is
checked as the catalogue checks it (the fault's position marked), and saved through the
catalogue's one validation and store. Without JavaScript the editor's buttons post the form
(check, save); with it, the query is checked as it is typed (``/web/topics/check``)."""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch import topics as topic_pack
from newswatch.api.body import read_json_object
from newswatch.core.catalog import Topic
from newswatch.core.errors import NewswatchError, NotFoundError
from newswatch.core.marks import marked_runs
from newswatch.core.problems import InvalidInput, Problem
from newswatch.core.query import Explanation, MatchDocument
from newswatch.core.query.parser import MAX_QUERY_LENGTH
from newswatch.core.validate import check_topic
from newswatch.net.fetcher import Fetcher, FetchPolicy
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.topic_trial import (
    MAX_TEXT_CHARS,
    TrialQuery,
    backtest,
    document_of_page,
    document_of_text,
    trial_query,
    try_query,
)
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
# one over the cap on a query (checked by check_topic): a longer one, such as a large pack
# topic's written-out query saved as the topic's own, is refused with the cap's message rather
# than cut into a malformed query
MAX_QUERY_CHARS = MAX_QUERY_LENGTH + 1
MAX_NAME_CHARS = 200
MAX_SAMPLE_CHARS = min(MAX_TEXT_CHARS, 200_000)  # a pasted text
BACKTEST_DAYS = (1, 3, 7, 30, 90)
SHOWN_TEXT_CHARS = 20_000  # of a fetched page's text, shown with its marks


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
    sample: str = "",
    sample_url: str = "",
    trial: dict[str, Any] | None = None,
    tried: dict[str, Any] | None = None,
    days: int = 7,
    pack: str = "",
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
        sample=sample,
        sample_url=sample_url,
        trial=trial,
        tried=tried,
        days=days,
        backtest_days=BACKTEST_DAYS,
        pack=pack,
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
        pack=topic.pack,
    )


async def save_topic(request: Request) -> Response:
    """The editor's form: ``action`` check (show the problems), try (the query on the sample
    text or page, its words marked), backtest (over the stored articles of the last days),
    or save."""
    form = await change_form(request)
    name = _text(form, "name", MAX_NAME_CHARS)
    query = _text(form, "query", MAX_QUERY_CHARS)
    languages = _text(form, "languages", 200)
    existing = _text(form, "existing", 10) == "1"
    action = _text(form, "action", 20)
    days_text = _text(form, "days", 10)
    view: dict[str, Any] = {
        "name": name,
        "query": query,
        "languages": languages,
        "existing": existing,
        "sample": _text(form, "sample", MAX_SAMPLE_CHARS),
        "sample_url": _text(form, "sample_url", 2048),
        "days": int(days_text) if days_text.isdigit() and int(days_text) in BACKTEST_DAYS else 7,
    }
    topic, problems = check(_fields(name or "unnamed", query, languages))
    if name == "" and action == "save":
        problems.append(Problem(("name",), "a topic needs a name"))
    errors = [p for p in problems if p.severity == "error"]
    if errors or topic is None:
        return editor(request, **view, problems=problems, checked=True, status=422)
    if action == "try":
        tried = await _try(request, query, languages, view["sample"], view["sample_url"])
        return editor(request, **view, problems=problems, tried=tried)
    if action == "backtest":
        trial = await _backtest(request, query, languages, view["days"])
        return editor(request, **view, problems=problems, trial=trial)
    if action != "save":
        return editor(request, **view, problems=problems, checked=True)
    catalog = CatalogStore(request.app.state.redis)
    if not existing and catalog.get("topic", topic.name) is not None:
        clash = Problem(("name",), f"a topic named {topic.name!r} exists: choose another name")
        return editor(request, **view, problems=[clash], checked=True, status=409)
    catalog.put(topic, origin=ORIGIN)
    return done("/topics", f"Saved {topic.name}")


def _trial_of(query: str, languages: str) -> TrialQuery:
    fields = _fields("trial", query, languages)
    return trial_query({k: v for k, v in fields.items() if k != "name"})


async def _backtest(request: Request, query: str, languages: str, days: int) -> dict[str, Any]:
    trial = _trial_of(query, languages)
    return await run_in_threadpool(backtest, request.app.state.redis, trial, days=days)


def _runs(document: MatchDocument, result: Explanation, field: str) -> list[tuple[str, bool]]:
    text = document.field(field).original
    if field == "text":
        text = text[:SHOWN_TEXT_CHARS]
    return marked_runs(text, [(h.start, h.end) for h in result.found if h.field == field])


def tried_view(document: MatchDocument, result: Explanation) -> dict[str, Any]:
    """The verdict on the sample, its title and text with every found word marked."""
    return {
        "matched": result.matched,
        "failed": list(result.failed),
        "title": _runs(document, result, "title"),
        "text": _runs(document, result, "text"),
        "words": sorted({h.text for h in result.found}),
        "error": "",
    }


async def _try(
    request: Request, query: str, languages: str, sample: str, sample_url: str
) -> dict[str, Any]:
    trial = _trial_of(query, languages)
    try:
        if sample_url:
            settings = request.app.state.settings
            async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
                page = await fetcher.fetch(sample_url, max_bytes=settings.max_page_bytes)
            document = await run_in_threadpool(
                document_of_page, page.body, url=sample_url, settings=settings
            )
        else:
            document = document_of_text(sample)
    except NewswatchError as exc:
        return {"error": exc.message, "matched": False, "failed": [], "title": [], "text": []}
    result = await run_in_threadpool(try_query, trial, document)
    return tried_view(document, result)


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


async def try_sample(request: Request) -> Response:
    """The editor's highlights as a text is pasted: ``{"query", "languages", "text"}`` ->
    the verdict and the text as (piece, found) runs."""
    check_csrf_header(request)
    body = await read_json_object(request, max_bytes=MAX_SAMPLE_CHARS * 4 + 8192)
    query = str(body.get("query") or "")[:MAX_QUERY_CHARS]
    languages = str(body.get("languages") or "")[:200]
    text = str(body.get("text") or "")[:MAX_SAMPLE_CHARS]
    try:
        trial = _trial_of(query, languages)
    except InvalidInput as exc:
        return protect(JSONResponse({"error": exc.problems[0].text() if exc.problems else ""}))
    document = document_of_text(text)
    result = await run_in_threadpool(try_query, trial, document)
    return protect(JSONResponse(tried_view(document, result)))


routes = [
    Route("/topics", topics_page, methods=["GET"]),
    Route("/topics/new", new_topic, methods=["GET"]),
    Route("/topics/save", save_topic, methods=["POST"]),
    Route("/topics/{name}", edit_topic, methods=["GET"]),
    Route("/topics/{name}/remove", remove_topic, methods=["POST"]),
    Route("/web/topics/check", check_query, methods=["POST"]),
    Route("/web/topics/try", try_sample, methods=["POST"]),
]
