"""GET /, /healthz and /metrics."""

from __future__ import annotations

import time

import redis
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newswatch import metrics
from newswatch.core.liveness import health
from newswatch.redis_checks import redis_problems
from newswatch.state_metrics import StateCollector
from newswatch.store.heartbeats import HeartbeatStore

ENDPOINTS = {
    "/": "the web pages (a browser asking for text/html); this list otherwise",
    "/api": "this list",
    "/api/alerts": "alerts, newest first; query: topic=, since= (ISO-8601), limit= (1-500), "
    "cursor= (every list answers next: the link to the next page)",
    "/api/alerts/{id}": "one alert",
    "/api/stories": "stories (copies of one news story across outlets), latest update first; "
    "query: since= (ISO-8601), limit= (1-500), cursor=",
    "/api/stories/{id}": "one story with its sources, articles and alerts",
    "/api/articles": "stored articles, newest first; query: q= (a topic query), feed=, since=, "
    "limit=, cursor=",
    "/api/articles/{id}": "one extracted article",
    "/api/topics": "topics with alert counts; POST adds one (token)",
    "/api/topics/{name}": "one topic; PUT changes it, DELETE removes it (token)",
    "/api/feeds": "feeds with their poll state and last error; POST adds one (token)",
    "/api/feeds/{id or name}": "one feed; PUT changes it, DELETE removes it (token)",
    "/api/subscriptions": "subscriptions; POST adds one (token)",
    "/api/subscriptions/{name}": "one subscription; PUT changes it, DELETE removes it (token)",
    "/api/failures": "recent failures (feeds, pages, extraction) with reasons; query: limit=, "
    "cursor=",
    "/api/deliveries": "recent deliveries: status, attempts, last error; query: limit=, cursor=",
    "/api/deliveries/dead": "the dead-letter list and the disabled channels; query: limit=, "
    "cursor=",
    "/api/deliveries/{id}/replay": "POST: send a dead letter again, enabling its channel (token)",
    "/feeds/topics/{name}.atom": "the newest alerts of a topic as an Atom feed (.json: as JSON)",
    "/feeds/subscriptions/{name}.atom": "the newest alerts of a subscription's topics (.json too)",
    "/api/topics/test": "POST: does a query match a text, page or stored article, and why",
    "/api/topics/backtest": "POST: a query over the stored articles of the last days",
    "/healthz": "Redis reachable, a scheduler and a worker alive (each process's last "
    "heartbeat), no process reporting a problem; 503 with the reasons otherwise",
    "/metrics": "Prometheus metrics of every newswatch process",
}


def index(request: Request) -> Response:
    return JSONResponse({"service": "newswatch", "endpoints": ENDPOINTS})


def healthz(request: Request) -> Response:
    client: redis.Redis = request.app.state.redis
    try:
        client.ping()
    except redis.RedisError as exc:
        return JSONResponse(
            {"status": "error", "redis": "error", "error": f"Redis unreachable: {exc}"},
            status_code=503,
        )
    settings = request.app.state.settings
    # an unfit Redis (evicting, not persisting) is a reason with redis_strict, else a warning
    unfit = redis_problems(client)
    problems = {"redis": "; ".join(unfit)} if unfit and settings.redis_strict else {}
    verdict = health(
        HeartbeatStore(client).all(), time.time(), settings.reap_after, problems=problems
    )
    body: dict[str, object] = {"status": "ok" if verdict.ok else "error", "redis": "ok"}
    if not verdict.ok:
        body["error"] = "; ".join(verdict.reasons)
    body["reasons"] = list(verdict.reasons)
    if unfit and not settings.redis_strict:
        body["warnings"] = unfit
    body["processes"] = list(verdict.processes)
    return JSONResponse(body, status_code=200 if verdict.ok else 503)


def metrics_text(request: Request) -> Response:
    collector = StateCollector(
        request.app.state.redis, reap_after=request.app.state.settings.reap_after
    )
    body, content_type = metrics.render_latest([collector])
    return Response(body, headers={"Content-Type": content_type})


routes = [
    Route("/api", index, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/metrics", metrics_text, methods=["GET"]),
]
