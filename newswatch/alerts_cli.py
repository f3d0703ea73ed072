"""`newswatch alerts`: print stored alerts, newest first; with ``--follow`` keep printing new
ones as they arrive, until Ctrl-C."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

import redis

from newswatch.api.contract import public_alert
from newswatch.core.errors import ConfigError
from newswatch.core.models import Alert
from newswatch.runtime import load_runtime, report_config_error
from newswatch.store.alerts import AlertStore
from newswatch.store.connection import connect

FOLLOW_BLOCK_MS = 5000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")  # no terminal escapes from feed text


def _clean(text: object) -> str:
    return _CONTROL.sub(" ", str(text or "")).strip()


def _when(created_at: str) -> str:
    """Local time to the minute, as a terminal user reads it."""
    try:
        return datetime.fromisoformat(created_at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return _clean(created_at)


def format_line(alert: Alert) -> str:
    """``2026-11-28 16:20  [summits]  Title — source  url``"""
    article = alert.article if isinstance(alert.article, dict) else {}
    title = _clean(article.get("title")) or "(untitled)"
    source = _clean(article.get("source"))
    url = _clean(article.get("url"))
    headline = f"{title} — {source}" if source else title
    return f"{_when(alert.created_at)}  [{_clean(alert.topic)}]  {headline}  {url}".rstrip()


def format_json(alert: Alert) -> str:
    return json.dumps(public_alert(alert), ensure_ascii=False, separators=(",", ":"))


def _redacted(url: str) -> str:
    """The Redis URL without its password, for error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _error(message: str) -> None:
    print(f"newswatch alerts: {message}", file=sys.stderr)


def run_alerts(
    *,
    topic: str | None,
    limit: int,
    as_json: bool,
    follow: bool,
    data_dir: Path | None,
    out: TextIO | None = None,
) -> int:
    """0 on success (and on Ctrl-C while following), 1 when Redis fails mid-way, 2 when no
    Redis can be found or reached, or the arguments are invalid."""
    stream = out or sys.stdout
    if limit < 0:
        _error(f"--limit must be 0 or more, got {limit}")
        return 2
    try:
        url = load_runtime(data_dir=data_dir).redis_url
    except ConfigError as exc:
        return report_config_error("newswatch alerts", exc)

    client = connect(url)
    store = AlertStore(client)
    render: Callable[[Alert], str] = format_json if as_json else format_line
    try:
        try:
            position = store.stream_position()  # before listing: nothing falls in between
            for alert in store.list(topic=topic, limit=limit):
                print(render(alert), file=stream, flush=True)
        except redis.RedisError as exc:
            _error(f"cannot read alerts from Redis at {_redacted(url)}: {exc}")
            return 2
        if not follow:
            return 0
        return _follow(store, position, topic, render, stream, url)
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    finally:
        client.close()


def _follow(
    store: AlertStore,
    position: str,
    topic: str | None,
    render: Callable[[Alert], str],
    stream: TextIO,
    url: str,
) -> int:
    while True:
        try:
            position, alerts = store.follow(position, block_ms=FOLLOW_BLOCK_MS)
        except redis.RedisError as exc:
            _error(f"lost Redis at {_redacted(url)} while following: {exc}")
            return 1
        for alert in alerts:
            if topic is None or alert.topic == topic:
                print(render(alert), file=stream, flush=True)
