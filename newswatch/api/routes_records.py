"""GET /api/articles/{id} and /api/failures: what the pipeline stored."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.errors import ApiError
from newswatch.api.params import parse_id, parse_limit
from newswatch.store.articles import ArticleStore
from newswatch.store.failures import read_failures


def get_article(request: Request) -> Response:
    article_id = parse_id(request.path_params["article_id"], what="article")
    article = ArticleStore(request.app.state.redis).get(article_id)
    if article is None:
        raise ApiError(404, f"no article with id {article_id!r}")
    return JSONResponse(article.to_dict())


def list_failures(request: Request) -> Response:
    """The newest recorded failures (feed polls, page fetches, extraction) with reasons."""
    limit = parse_limit(request.query_params.get("limit"))
    failures = read_failures(request.app.state.redis, count=limit)
    return JSONResponse({"failures": failures, "count": len(failures)})


routes = [
    Route("/api/articles/{article_id}", get_article, methods=["GET"]),
    Route("/api/failures", list_failures, methods=["GET"]),
]
