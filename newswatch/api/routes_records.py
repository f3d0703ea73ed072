"""GET /api/articles/{id} and /api/failures: what the pipeline stored."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.errors import ApiError
from newswatch.api.paging import paged, parse_cursor
from newswatch.api.params import parse_id, parse_limit
from newswatch.core.cursor import Position
from newswatch.core.times import iso_from_unix
from newswatch.store.articles import ArticleStore
from newswatch.store.failures import failures_page

STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")


def get_article(request: Request) -> Response:
    article_id = parse_id(request.path_params["article_id"], what="article")
    article = ArticleStore(request.app.state.redis).get(article_id)
    if article is None:
        raise ApiError(404, f"no article with id {article_id!r}")
    return JSONResponse(article.to_dict())


def list_failures(request: Request) -> Response:
    """The newest recorded failures (feed polls, page fetches, extraction) with reasons,
    ``at`` in ISO 8601; paged by ``cursor``."""
    limit = parse_limit(request.query_params.get("limit"))
    after = parse_cursor(request.query_params.get("cursor"))
    before = after.member if after is not None else None
    if before is not None and not STREAM_ID.fullmatch(before):
        raise ApiError(400, "invalid cursor: not a cursor of /api/failures")
    failures, last = failures_page(request.app.state.redis, before=before, count=limit)
    body = {"failures": [_failure_view(f) for f in failures], "count": len(failures)}
    return paged(request, body, Position(0.0, last) if last is not None else None)


def _failure_view(failure: dict[str, str]) -> dict[str, str]:
    try:
        at = iso_from_unix(float(failure["at"]), timespec="milliseconds")
    except (KeyError, ValueError, OverflowError):
        return failure
    return {**failure, "at": at}


routes = [
    Route("/api/articles/{article_id}", get_article, methods=["GET"]),
    Route("/api/failures", list_failures, methods=["GET"]),
]
