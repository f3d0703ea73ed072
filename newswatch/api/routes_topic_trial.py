"""``POST /api/topics/test`` and ``POST /api/topics/backtest``: try a query before saving it.

Reads, though POSTs (the query and the text travel in a JSON body): no token on loopback (see
:data:`newswatch.api.auth.QUERY_PATHS`). A query is checked as a topic's is, so a bad one is the
same 422 with the position and a hint as ``POST /api/topics``; lint warnings come back in
``warnings``. The sample of ``test`` is one of ``text`` (with an optional ``title``), ``url``
(fetched through the guarded fetcher and extracted) or ``article`` (a stored article's id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.body import read_json_object
from newswatch.config import Settings
from newswatch.core.alerting import article_document
from newswatch.core.backtest import MAX_SAMPLE, SAMPLE
from newswatch.core.errors import NewswatchError, NotFoundError
from newswatch.core.problems import InvalidInput, Problem, describe, did_you_mean
from newswatch.core.query import MatchDocument
from newswatch.net.fetcher import Fetcher, FetchPolicy
from newswatch.topic_trial import (
    MAX_DAYS,
    backtest,
    document_of_page,
    document_of_text,
    explanation_view,
    stored_article,
    trial_query,
    try_query,
)

_QUERY_FIELDS = ("query", "pack", "languages")
_SAMPLES = ("text", "url", "article")
TEST_FIELDS = (*_QUERY_FIELDS, *_SAMPLES, "title")
BACKTEST_FIELDS = (*_QUERY_FIELDS, "days", "sample")


def _unknown(body: Mapping[str, Any], allowed: tuple[str, ...]) -> list[Problem]:
    return [
        Problem((key,), f"unknown key {key!r}{did_you_mean(key, allowed)}; allowed here: "
                + ", ".join(allowed))
        for key in body
        if key not in allowed
    ]  # fmt: skip


def _string(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput([Problem((key,), f"expected a string, got {describe(value)}")])
    return value


def _count(body: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            [Problem((key,), f"expected an integer from {low} to {high}, got {describe(value)}")]
        )
    return value


async def _document(request: Request, body: Mapping[str, Any]) -> MatchDocument:
    given = [key for key in _SAMPLES if body.get(key) is not None]
    if len(given) != 1:
        raise InvalidInput(
            [Problem((), "give exactly one of text, url, article (what to test the query on)")]
        )
    settings: Settings = request.app.state.settings
    title = _string(body, "title") or ""
    text, url, article = (_string(body, key) for key in _SAMPLES)
    if text is not None:
        return document_of_text(text, title=title)
    if article is not None:
        stored = await run_in_threadpool(stored_article, request.app.state.redis, article)
        return article_document(stored)
    assert url is not None
    async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
        page = await fetcher.fetch(url, max_bytes=settings.max_page_bytes)
    return await run_in_threadpool(document_of_page, page.body, url=url, settings=settings)


async def query_test(request: Request) -> Response:
    """Whether the query matches the sample: the words found with their field and offsets,
    for a miss the clauses that failed, and the lint warnings."""
    body = await read_json_object(request)
    problems = _unknown(body, TEST_FIELDS)
    if problems:
        raise InvalidInput(problems)
    trial = trial_query(body)
    try:
        document = await _document(request, body)
    except (InvalidInput, NotFoundError):
        raise
    except NewswatchError as exc:  # a page that cannot be fetched or extracted, a long text
        given = next(key for key in _SAMPLES if body.get(key) is not None)
        raise InvalidInput([Problem((given,), exc.message)]) from None
    result = await run_in_threadpool(try_query, trial, document)
    return JSONResponse(explanation_view(trial, result))


async def query_backtest(request: Request) -> Response:
    """The query over the articles stored in the last ``days`` days (default 7): articles
    and matches per day, and ``sample`` (default 10) of the newest matching articles."""
    body = await read_json_object(request)
    problems = _unknown(body, BACKTEST_FIELDS)
    if problems:
        raise InvalidInput(problems)
    trial = trial_query(body)
    days = _count(body, "days", 7, 1, MAX_DAYS)
    sample = _count(body, "sample", SAMPLE, 0, MAX_SAMPLE)
    report = await run_in_threadpool(
        backtest, request.app.state.redis, trial, days=days, sample=sample
    )
    return JSONResponse(report)


routes = [
    Route("/api/topics/test", query_test, methods=["POST"]),
    Route("/api/topics/backtest", query_backtest, methods=["POST"]),
]
