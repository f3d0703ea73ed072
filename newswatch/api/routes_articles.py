"""``GET /api/articles?q=&feed=&since=&limit=&cursor=``: the stored articles, newest first,
filtered with the topic query language.

The articles are read from their time index a batch at a time and filtered here (the query
with the worker's matcher, the feed by id); a page examines at most ``MAX_EXAMINED`` articles,
so a rare query over a long history answers with fewer items than ``limit`` (even none) and a
``next`` link to read on, instead of one slow answer. A bad ``q`` is the 422 a bad topic query
is, with the position and a hint.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newswatch.api.paging import paged, parse_cursor
from newswatch.api.params import parse_limit, parse_ref, parse_since
from newswatch.core.alerting import article_document
from newswatch.core.cursor import Position
from newswatch.core.models import Article
from newswatch.core.query import TopicMatcher, TopicSpec
from newswatch.store.articles import BATCH, ArticleStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.codec import unix_time
from newswatch.topic_trial import trial_query

MAX_EXAMINED = 5_000  # articles one page reads at most while filtering
_LISTED = ("author", "feed_id", "feed_name", "extracted_at", "story_id")


def article_view(article: Article, matched: list[str] | None) -> dict[str, Any]:
    """An article in a list: the alert contract's fields and where it came from (the text
    is served by ``/api/articles/{id}``); ``matched``: the words ``q`` found."""
    view = {**article.summary(), **{name: getattr(article, name) for name in _LISTED}}
    if matched is not None:
        view["matched"] = matched
    return view


def _matcher(request: Request) -> TopicMatcher | None:
    query = request.query_params.get("q")
    if not query:
        return None
    trial = trial_query({"query": query})  # 422 with the position, as for a topic
    return TopicMatcher([TopicSpec("q", trial.query, trial.languages)])


def _feed_id(request: Request) -> str | None:
    ref = request.query_params.get("feed")
    if not ref:
        return None
    catalog = CatalogStore(request.app.state.redis)
    return str(catalog.find("feed", parse_ref(ref, what="feed")).item.id)  # 404 if unknown


def list_articles(request: Request) -> Response:
    params = request.query_params
    since = parse_since(params.get("since"))
    limit = parse_limit(params.get("limit"))
    after = parse_cursor(params.get("cursor"))
    matcher, feed_id = _matcher(request), _feed_id(request)
    store = ArticleStore(request.app.state.redis)
    low = unix_time(since) if since is not None else None
    found: list[dict[str, Any]] = []
    examined = 0
    batch = BATCH if matcher is not None or feed_id is not None else limit
    while True:
        page = store.page(after=after, limit=min(batch, MAX_EXAMINED - examined), since=low)
        articles = store.get_many([member for member, _ in page.items])
        for (member, score), article in zip(page.items, articles, strict=True):
            view = _listed(article, matcher, feed_id)
            if view is not None:
                found.append(view)
                if len(found) == limit:
                    following = (
                        Position(score, member)
                        if page.next or member != page.items[-1][0]
                        else None
                    )
                    return paged(request, {"articles": found, "count": len(found)}, following)
        examined += len(page.items)
        after = page.next
        if after is None or examined >= MAX_EXAMINED:
            return paged(request, {"articles": found, "count": len(found)}, after)


def _listed(
    article: Article | None, matcher: TopicMatcher | None, feed_id: str | None
) -> dict[str, Any] | None:
    if article is None or (feed_id is not None and article.feed_id != feed_id):
        return None
    if matcher is None:
        return article_view(article, None)
    found = matcher.match(article_document(article))
    return article_view(article, list(found[0].matched)) if found else None


routes = [Route("/api/articles", list_articles, methods=["GET"])]
