"""Who is looking at a page, and whether a form may change anything.

- A login exchanges the API token for a session (:class:`WebSessions`): a random id in a
  cookie that is HttpOnly (no script reads it) and SameSite=Strict (no other site's page
  sends it), Secure when the page came over https.
- Every form carries the session's CSRF token; a change is refused without it, and refused
  when the browser says the form came from another origin. The login form, before any
  session, carries a token that must equal a cookie of its own (double submit).
- Reading needs the login unless the ``web_public`` setting is true.
- Every answer forbids inline scripts and styles (Content-Security-Policy), framing and
  MIME sniffing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import secrets
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from newswatch.api import body
from newswatch.api.auth import AccessPolicy
from newswatch.store.web_sessions import WebSessions

SESSION_COOKIE = "nw_session"
LOGIN_COOKIE = "nw_login"  # the login form's double-submit token
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MAX_FORM_BYTES = 1024 * 1024  # an OPML upload is the largest form
MAX_FORM_FIELDS = 200

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class LoginNeeded(Exception):
    """The page needs a login: answered with a redirect to the login form."""


class PageError(Exception):
    """A request a page refuses, with the status and the message shown."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclasses.dataclass(frozen=True)
class Viewer:
    logged_in: bool
    csrf: str  # the session's CSRF token ("" without a session)
    can_read: bool


def sessions(request: Request) -> WebSessions:
    settings = request.app.state.settings
    return WebSessions(request.app.state.redis, ttl=settings.web_session_hours * 3600)


def policy(request: Request) -> AccessPolicy:
    found: AccessPolicy = request.app.state.policy
    return found


def viewer(request: Request) -> Viewer:
    cached = request.scope.get("newswatch.viewer")
    if isinstance(cached, Viewer):
        return cached
    session_id = request.cookies.get(SESSION_COOKIE, "")
    csrf = sessions(request).csrf(session_id) if session_id else None
    # a token changed or removed since the login ends every session
    logged_in = csrf is not None and policy(request).token is not None
    found = Viewer(
        logged_in=logged_in,
        csrf=csrf or "" if logged_in else "",
        can_read=logged_in or bool(request.app.state.settings.web_public),
    )
    request.scope["newswatch.viewer"] = found
    return found


def require_reader(request: Request) -> Viewer:
    found = viewer(request)
    if not found.can_read:
        raise LoginNeeded()
    return found


def require_writer(request: Request) -> Viewer:
    found = viewer(request)
    if not found.logged_in:
        raise LoginNeeded()
    return found


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(here, safe="")


def safe_next(value: str | None) -> str:
    """Where to go after the login: a path of this site only (never //host or a scheme)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/"


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another origin (Origin, else the
    Referer); True when it says nothing (not a browser, or a privacy setting)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return source is None
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.netloc}" == f"{request.url.scheme}://{request.url.netloc}"


def _equal(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


async def read_form(request: Request, *, max_bytes: int = MAX_FORM_BYTES) -> FormData:
    """The form, refused (413) when it declares more than ``max_bytes`` (and the multipart
    overhead), or (408) when it takes longer than ``api_body_timeout`` to arrive; each
    field is capped at ``max_bytes`` too."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise PageError(413, f"the form is larger than {max_bytes // 1024} KiB")
    seconds = body.body_seconds(request)
    try:
        async with asyncio.timeout(seconds):
            return await request.form(
                max_files=1, max_fields=MAX_FORM_FIELDS, max_part_size=max_bytes
            )
    except TimeoutError:
        raise PageError(408, body.too_slow(seconds)) from None


async def change_form(request: Request, *, max_bytes: int = MAX_FORM_BYTES) -> FormData:
    """The form of a change: refused without a login, from another origin, or without the
    session's CSRF token."""
    found = require_writer(request)
    if not same_origin(request):
        raise PageError(403, "refused: the form was sent from another site")
    form = await read_form(request, max_bytes=max_bytes)
    given = form.get(CSRF_FIELD)
    if not isinstance(given, str) or not _equal(given, found.csrf):
        raise PageError(403, "refused: the form's CSRF token is missing or stale; reload the page")
    return form


def check_csrf_header(request: Request) -> Viewer:
    """For the scripts' JSON requests: a login and the CSRF token in a header."""
    found = require_writer(request)
    if not same_origin(request) or not _equal(request.headers.get(CSRF_HEADER, ""), found.csrf):
        raise PageError(403, "refused: the CSRF token is missing or stale; reload the page")
    return found


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def login_token_ok(request: Request, given: Any) -> bool:
    return isinstance(given, str) and _equal(given, request.cookies.get(LOGIN_COOKIE, ""))


def secure(request: Request) -> bool:
    """Whether cookies are for https only: a request over https, or the ``web_cookie_secure``
    setting (a proxy in front of the API speaks https to the browser)."""
    return request.url.scheme == "https" or bool(request.app.state.settings.web_cookie_secure)


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure(request),
    )


def protect(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def done(path: str, notice: str) -> Response:
    """After a change: back to ``path`` (a page of this site), which shows ``notice``."""
    from urllib.parse import urlencode

    from starlette.responses import RedirectResponse

    target = safe_next(path) + "?" + urlencode({"notice": notice[:200]})
    return protect(RedirectResponse(target, status_code=303))
