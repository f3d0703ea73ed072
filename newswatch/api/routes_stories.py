"""GET /api/stories and /api/stories/{id}."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.contract import public_alert, public_article, public_story
from newswatch.api.errors import ApiError
from newswatch.api.paging import paged, parse_cursor
from newswatch.api.params import parse_id, parse_limit, parse_since
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.codec import unix_time
from newswatch.store.paging import newest_first
from newswatch.store.stories import StoryStore

MAX_ARTICLES_SHOWN = 500  # a story carried by more copies lists its first ones


def list_stories(request: Request) -> Response:
    """Stories by their last update, newest first, paged by ``cursor``. A story updated
    while a client pages moves to the top: the next read from the top shows it."""
    params = request.query_params
    since = parse_since(params.get("since"))
    limit = parse_limit(params.get("limit"))
    after = parse_cursor(params.get("cursor"))
    client = request.app.state.redis
    low = unix_time(since) if since is not None else None
    page = newest_first(client, keys.STORIES_BY_TIME, after=after, limit=limit, low=low)
    found = StoryStore(client).get_many([member for member, _ in page.items])
    stories = [public_story(s) for s in found if s is not None]
    return paged(request, {"stories": stories, "count": len(stories)}, page.next)


def get_story(request: Request) -> Response:
    """One story with every article (as long as they are kept) and its alerts."""
    story_id = parse_id(request.path_params["story_id"], what="story")
    client = request.app.state.redis
    story = StoryStore(client).get(story_id)
    if story is None:
        raise ApiError(404, f"no story with id {story_id!r}")
    shown = story.articles[:MAX_ARTICLES_SHOWN]
    articles = ArticleStore(client).get_many(shown)
    alerts: AlertStore = request.app.state.alerts
    body = public_story(story)
    body["articles"] = [
        public_article(a.summary()) if a is not None else {"id": article_id}
        for article_id, a in zip(shown, articles, strict=True)
    ]
    body["alerts"] = [public_alert(a) for a in alerts.of_story(story_id)]
    return JSONResponse(body)


routes = [
    Route("/api/stories", list_stories, methods=["GET"]),
    Route("/api/stories/{story_id}", get_story, methods=["GET"]),
]
