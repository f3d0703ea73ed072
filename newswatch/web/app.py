"""The web pages' routes, static files and error pages, for :func:`newswatch.api.app.create_app`."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from newswatch.web import alerts, feeds, live, login, paths, status, subscriptions, topics
from newswatch.web.alerts import wants_html
from newswatch.web.security import LoginNeeded, PageError, login_url, protect
from newswatch.web.templating import render


def routes() -> list[BaseRoute]:
    return [
        *alerts.routes,
        *login.routes,
        *feeds.routes,
        *topics.routes,
        *subscriptions.routes,
        *status.routes,
        *live.routes,
        Mount("/static", StaticFiles(packages=[("newswatch.web", "static")]), name="static"),
    ]


async def login_needed(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/web/"):  # the scripts' requests: no redirect
        return protect(Response("log in first", status_code=401, media_type="text/plain"))
    return protect(RedirectResponse(login_url(request), status_code=303))


async def page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    if request.url.path.startswith("/web/"):
        return protect(Response(exc.message, status_code=exc.status, media_type="text/plain"))
    return render(request, "error.html", status=exc.status, title="Not done", message=exc.message)


EXCEPTION_HANDLERS: dict[Any, Any] = {LoginNeeded: login_needed, PageError: page_error}

Handler = Callable[[Request, Exception], Awaitable[Response]]


def pages_or_json(handlers: dict[Any, Handler]) -> dict[Any, Handler]:
    """The API's error handlers, answering a web page's request (a browser on one of the
    pages' paths) with the error page instead: the same status, the same message."""

    def wrapped(handler: Handler) -> Handler:
        async def answer(request: Request, exc: Exception) -> Response:
            response = await handler(request, exc)
            path = request.url.path
            if not paths.handles(path) or path.startswith(("/web/", "/static/")):
                return response
            if path == "/" and not wants_html(request):
                return response
            message = _message(response)
            return render(request, "error.html", status=response.status_code,
                          title="Not done", message=message)  # fmt: skip

        return answer

    return {kind: wrapped(handler) for kind, handler in handlers.items()}


def _message(response: Response) -> str:
    try:
        body = json.loads(bytes(response.body))
    except ValueError:
        return "something went wrong"
    message = body.get("error") if isinstance(body, dict) else None
    return str(message or "something went wrong")
