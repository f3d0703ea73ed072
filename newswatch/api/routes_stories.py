"""GET /api/stories and /api/stories/{id}."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch.api.contract import public_alert, public_article, public_story
from newswatch.api.errors import ApiError
from newswatch.api.params import parse_id, parse_limit, parse_since
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.stories import StoryStore

MAX_ARTICLES_SHOWN = 500  # a story carried by more copies lists its first ones


def list_stories(request: Request) -> Response:
    """Stories by their last update, newest first."""
    params = request.query_params
    since = parse_since(params.get("since"))
    limit = parse_limit(params.get("limit"))
    stories = StoryStore(request.app.state.redis).list_recent(since=since, limit=limit)
    return JSONResponse({"stories": [public_story(s) for s in stories], "count": len(stories)})


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
