"""``/login`` (the API token for a session cookie) and ``/logout``."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from newswatch.web.security import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    PageError,
    change_form,
    login_token_ok,
    new_login_token,
    policy,
    protect,
    read_form,
    safe_next,
    same_origin,
    sessions,
    set_cookie,
)
from newswatch.web.templating import render

LOGIN_FORM_SECONDS = 3600
MAX_TOKEN_CHARS = 1024


def _form(request: Request, *, failed: bool = False, status: int = 200) -> Response:
    token = new_login_token()
    access = policy(request)
    response = render(
        request,
        "login.html",
        status=status,
        title="Log in",
        login_token=token,
        next=safe_next(request.query_params.get("next")),
        failed=failed,
        no_token=access.token is None,
        hint=access.token_hint,
    )
    set_cookie(response, request, LOGIN_COOKIE, token, LOGIN_FORM_SECONDS)
    return response


def login_page(request: Request) -> Response:
    return _form(request)


async def login(request: Request) -> Response:
    if not same_origin(request):
        raise PageError(403, "refused: the form was sent from another site")
    form = await read_form(request)
    if not login_token_ok(request, form.get(CSRF_FIELD)):
        raise PageError(403, "refused: the login form is stale (or cookies are off); reload it")
    expected = policy(request).token
    given = form.get("token")
    if (
        expected is None
        or not isinstance(given, str)
        or len(given) > MAX_TOKEN_CHARS
        or not hmac.compare_digest(given.strip().encode(), expected.encode())
    ):
        return _form(request, failed=True, status=401)
    session_id, _ = sessions(request).create()
    target = safe_next(str(form.get("next") or "/"))
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, session_id, sessions(request).ttl)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return protect(response)


async def logout(request: Request) -> Response:
    await change_form(request)
    sessions(request).end(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return protect(response)


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
