"""GET /api/articles/{id}, /api/topics, /api/feeds and /api/failures."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.errors import ApiError
from newswatch.api.params import parse_id, parse_limit
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.failures import read_failures
from newswatch.store.feeds import FeedStateStore


def get_article(request: Request) -> Response:
    article_id = parse_id(request.path_params["article_id"], what="article")
    article = ArticleStore(request.app.state.redis).get(article_id)
    if article is None:
        raise ApiError(404, f"no article with id {article_id!r}")
    return JSONResponse(article.to_dict())


def list_topics(request: Request) -> Response:
    """Configured topics with their alert counts, then topics that still have alerts but are
    no longer configured (``configured: false``)."""
    store: AlertStore = request.app.state.alerts
    counts = store.topics()
    topics = [
        {**topic.to_dict(), "alerts": counts.pop(topic.name, 0), "configured": True}
        for topic in CatalogStore(request.app.state.redis).topics()
    ]
    topics += [
        {"name": name, "alerts": n, "configured": False} for name, n in sorted(counts.items())
    ]
    return JSONResponse({"topics": topics, "count": len(topics)})


def list_feeds(request: Request) -> Response:
    """Every configured feed with its poll state and last error, never-polled ones included."""
    feeds = FeedStateStore(request.app.state.redis).list_states()
    return JSONResponse({"feeds": feeds, "count": len(feeds)})


def list_failures(request: Request) -> Response:
    """The newest recorded failures (feed polls, page fetches, extraction) with reasons."""
    limit = parse_limit(request.query_params.get("limit"))
    failures = read_failures(request.app.state.redis, count=limit)
    return JSONResponse({"failures": failures, "count": len(failures)})


routes = [
    Route("/api/articles/{article_id}", get_article, methods=["GET"]),
    Route("/api/topics", list_topics, methods=["GET"]),
    Route("/api/feeds", list_feeds, methods=["GET"]),
    Route("/api/failures", list_failures, methods=["GET"]),
]
