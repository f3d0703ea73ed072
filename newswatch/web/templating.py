"""Jinja2 templates shipped in the package, with autoescape on for every template: whatever a
feed wrote (a title with ``<script>``) reaches the page as text."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from newswatch.core import render as render_text
from newswatch.web.security import CSRF_FIELD, protect, viewer

NAV = (
    ("/", "Alerts"),
    ("/topics", "Topics"),
    ("/feeds", "Feeds"),
    ("/subscriptions", "Subscriptions"),
    ("/status", "Status"),
)


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newswatch.web", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["ago"] = ago
    env.filters["duration"] = duration
    env.filters["safe_url"] = safe_url
    env.globals.update(
        alert_title=render_text.alert_title,
        publishers=render_text.publishers,
        snippet_runs=render_text.snippet_runs,
        alert_link=render_text.link,
        alert_when=render_text.when,
    )
    return env


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    who = viewer(request)
    section = request.url.path if request.url.path != "/" else "/"
    body = (
        environment()
        .get_template(template)
        .render(
            viewer=who,
            csrf_field=CSRF_FIELD,
            nav=NAV,
            section="/" + section.strip("/").split("/", 1)[0] if section != "/" else "/",
            path=request.url.path,
            **context,
        )
    )
    response = HTMLResponse(body, status_code=status)
    protect(response)
    return response


def fragment(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


# -- filters -----------------------------------------------------------------------------------


def _moment(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(value: Any) -> str:
    """``2026-11-28 16:20 UTC`` (unix seconds or ISO 8601); "never" for nothing."""
    moment = _moment(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def ago(value: Any, now: float | None = None) -> str:
    """``5 min ago`` / ``in 3 min``, from unix seconds or ISO 8601."""
    moment = _moment(value)
    if moment is None:
        return "never"
    now = now if now is not None else datetime.now(UTC).timestamp()
    seconds = moment.timestamp() - now
    if abs(seconds) < 1:
        return "just now"
    text = duration(abs(seconds))
    return f"in {text}" if seconds > 0 else f"{text} ago"


def duration(seconds: Any) -> str:
    if seconds is None or seconds == "":
        return "—"
    value = float(seconds)
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.0f} s"
    if value < 7200:
        return f"{value / 60:.0f} min"
    if value < 2 * 86400:
        return f"{value / 3600:.1f} h"
    return f"{value / 86400:.1f} days"


def safe_url(value: Any) -> str:
    """An address fit for an href: http(s) only, else "" (a feed's ``javascript:`` link is
    never made clickable)."""
    text = str(value or "")
    return text if re.match(r"https?://[^\s]+$", text) else ""
