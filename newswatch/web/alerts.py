"""The alerts page (newest first, by topic or subscription, searched with the query
language), one alert as a fragment (what the live updates insert), and a story's page."""

from __future__ import annotations

import dataclasses
import heapq
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from newswatch.api.contract import public_alert
from newswatch.api.params import ID_PATTERN, MAX_TOPIC_CHARS
from newswatch.api.routes_ops import index as json_index
from newswatch.core.alerting import article_document
from newswatch.core.cursor import CursorError, Position, decode_cursor, encode_cursor
from newswatch.core.errors import NotFoundError, QueryError
from newswatch.core.models import Alert
from newswatch.core.pack import matcher_query
from newswatch.core.query import Query, explain, parse_query
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.stories import StoryStore
from newswatch.topics import load_pack
from newswatch.web.search import SCAN_LIMIT, search_alerts
from newswatch.web.security import PageError, protect, require_reader
from newswatch.web.templating import fragment, render

PAGE_SIZE = 50
MAX_QUERY_CHARS = 4000
MAX_STORY_ARTICLES = 200


def wants_html(request: Request) -> bool:
    """A browser asks for HTML first; API clients (``*/*``, JSON) get the JSON index."""
    accept = request.headers.get("accept", "").lower()
    html = accept.find("text/html")
    json = accept.find("application/json")
    return html >= 0 and (json < 0 or html < json)


def _store(request: Request) -> AlertStore:
    store: AlertStore = request.app.state.alerts
    return store


def _param(request: Request, name: str, limit: int = MAX_TOPIC_CHARS) -> str:
    value = request.query_params.get(name, "").strip()
    if len(value) > limit:
        raise PageError(400, f"{name} is longer than {limit} characters")
    return value


@dataclasses.dataclass(frozen=True)
class Filter:
    """What the alerts page shows: a topic, a subscription's topics, a query, or all."""

    topic: str = ""
    subscription: str = ""
    q: str = ""
    topics: tuple[str, ...] | None = None  # the subscription's topics (None: every topic)
    query: Query | None = None

    def admits(self, alert: Alert) -> bool:
        """Whether an alert's topic fits (the query is checked on its article apart)."""
        if self.topic and alert.topic != self.topic:
            return False
        return self.topics is None or alert.topic in self.topics


def _filter(request: Request) -> tuple[Filter, QueryError | None]:
    topic, subscription = _param(request, "topic"), _param(request, "subscription")
    q = _param(request, "q", MAX_QUERY_CHARS)
    topics: tuple[str, ...] | None = None
    if subscription:
        try:
            entry = CatalogStore(request.app.state.redis).find("subscription", subscription)
        except NotFoundError as exc:
            raise PageError(404, exc.message) from None
        topics = tuple(entry.item.topics)
    try:
        query = parse_query(q) if q else None
    except QueryError as exc:
        return Filter(topic, subscription, q, topics), exc
    return Filter(topic, subscription, q, topics, query), None


def _listed(request: Request, chosen: Filter, limit: int) -> list[Alert]:
    store = _store(request)
    if chosen.topics is not None:
        topics = [t for t in chosen.topics if not chosen.topic or t == chosen.topic]
        lists = [store.list(topic=t, limit=limit) for t in topics]
        merged = heapq.merge(*lists, key=lambda a: a.created_at, reverse=True)
        return list(merged)[:limit]
    return store.list(topic=chosen.topic or None, limit=limit)


def _cursor(request: Request) -> Position | None:
    text = request.query_params.get("cursor", "")
    try:
        return decode_cursor(text) if text else None
    except CursorError as exc:
        raise PageError(400, f"cursor: {exc}") from None


def home(request: Request) -> Response:
    if not wants_html(request):
        return json_index(request)
    return alerts_page(request)


def alerts_page(request: Request) -> Response:
    require_reader(request)
    chosen, error = _filter(request)
    after = _cursor(request)
    position = AlertEvents(request.app.state.redis).position()  # live updates resume here
    client = request.app.state.redis
    older = ""
    if error is not None:
        alerts: list[Alert] = []
    elif chosen.query is not None:
        scanned = _listed(request, chosen, SCAN_LIMIT)
        alerts = search_alerts(client, scanned, chosen.query, limit=PAGE_SIZE)
    elif chosen.topics is not None:
        alerts = _listed(request, chosen, PAGE_SIZE)
    else:  # newest first, page after page
        alerts, following = _store(request).page(
            topic=chosen.topic or None, after=after, limit=PAGE_SIZE
        )
        older = encode_cursor(following) if following is not None else ""
    catalog = CatalogStore(client)
    return render(
        request,
        "alerts.html",
        title="Alerts",
        alerts=[public_alert(a) for a in alerts],
        topics=sorted({t.name for t in catalog.topics()} | set(_store(request).topics())),
        subscriptions=sorted(s.name for s in catalog.subscriptions()),
        topic=chosen.topic,
        subscription=chosen.subscription,
        q=chosen.q,
        error=error,
        position=position,
        scan_limit=SCAN_LIMIT,
        older=older,
        paged=after is not None,
    )


def alert_fragment(request: Request) -> Response:
    """One alert as the list shows it (the live updates insert it); 204 when it does not fit
    the page's filter (``topic``, ``subscription``, ``q`` as the page has them)."""
    require_reader(request)
    alert_id = request.path_params["alert_id"]
    alert = _store(request).get(alert_id) if ID_PATTERN.fullmatch(alert_id) else None
    if alert is None:
        raise PageError(404, f"no alert {alert_id[:64]!r}")
    chosen, error = _filter(request)
    fits = error is None and chosen.admits(alert)
    if fits and chosen.query is not None:
        fits = bool(search_alerts(request.app.state.redis, [alert], chosen.query, limit=1))
    if not fits:
        return protect(Response(status_code=204))
    response = HTMLResponse(fragment("_alert.html", a=public_alert(alert)))
    return protect(response)


def _why(request: Request, alert: Alert, documents: dict[str, Any]) -> dict[str, Any]:
    """Why the story matched the alert's topic: the topic's current query explained on the
    article that raised the alert (None when the topic or the article is gone)."""
    entry = CatalogStore(request.app.state.redis).get("topic", alert.topic)
    doc = documents.get(str(alert.article.get("id") or ""))
    if entry is None or doc is None:
        return {"alert": public_alert(alert), "explanation": None}
    try:
        topic = entry.item
        query = matcher_query(topic.query, topic.pack, load_pack())  # as the worker matched
        explanation = explain(query, doc, topic.languages)
    except QueryError:
        explanation = None
    return {"alert": public_alert(alert), "explanation": explanation}


def story_page(request: Request) -> Response:
    require_reader(request)
    story_id = request.path_params["story_id"]
    story = (
        StoryStore(request.app.state.redis).get(story_id)
        if ID_PATTERN.fullmatch(story_id)
        else None
    )
    if story is None:
        raise PageError(404, f"no story {story_id[:64]!r} (it may have expired)")
    ids = story.articles[:MAX_STORY_ARTICLES]
    articles = [a for a in ArticleStore(request.app.state.redis).get_many(ids) if a is not None]
    documents = {a.id: article_document(a) for a in articles}
    alerts = _store(request).of_story(story.id)
    representative = articles[0] if articles else None
    return render(
        request,
        "story.html",
        title=story.title or "Story",
        story=story,
        representative=representative,
        articles=articles,
        more=len(story.articles) - len(ids),
        matches=[_why(request, a, documents) for a in alerts],
    )


routes = [
    Route("/", home, methods=["GET"]),
    Route("/web/alerts/{alert_id}", alert_fragment, methods=["GET"]),
    Route("/stories/{story_id}", story_page, methods=["GET"]),
]
