"""`newswatch alerts`: print stored alerts, newest first; with ``--follow`` keep printing the
alert events as they arrive (new alerts, and "+N source" when a copy of an alert's story
arrives from another outlet), until Ctrl-C."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

import redis

from newswatch.api.contract import public_alert
from newswatch.core.errors import ConfigError, NotFoundError
from newswatch.core.models import Alert, AlertEvent, EventKind
from newswatch.runtime import find_instance, load_runtime
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.connection import connect
from newswatch.topic_names import check_topic_name

FOLLOW_BLOCK_MS = 5000
MAX_LIMIT = 10_000  # alerts one listing reads (and holds) at once; the API pages instead
RECONNECT_DELAYS = (0.2, 0.5, 1.0, 2.0)  # seconds between attempts; then every 2 s
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


def format_event_line(event: AlertEvent, alert: Alert) -> str:
    """A new alert as :func:`format_line`; an update as
    ``2026-11-28 16:25  [summits]  +1 source: example.net (3 sources)  Title``."""
    if event.kind == EventKind.CREATED:
        return format_line(alert)
    added = [_clean(s) for s in event.new_sources]
    article = alert.article if isinstance(alert.article, dict) else {}
    title = _clean(article.get("title")) or "(untitled)"
    plural = "" if len(added) == 1 else "s"
    return (
        f"{_when(event.at)}  [{_clean(alert.topic)}]  +{len(added)} source{plural}: "
        f"{', '.join(added)} ({event.sources_count} sources)  {title}"
    )


def format_event_json(event: AlertEvent, alert: Alert) -> str:
    """The alert's JSON as :func:`format_json` gives it, with ``event`` (created, updated)
    and, for an update, ``new_sources``."""
    data = public_alert(alert)
    data["event"] = event.kind
    if event.kind != EventKind.CREATED:
        data["new_sources"] = list(event.new_sources)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _redacted(url: str) -> str:
    """The Redis URL without its password, for error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _none_yet(topic: str | None, limit: int, follow: bool) -> str:
    """The line printed instead of an empty list, with the filter that made it empty."""
    line = "no alerts yet" if limit else "no alerts shown (--limit 0)"
    line += f" for topic {topic!r}" if topic is not None else ""
    return line + ("; waiting for new ones (Ctrl-C stops)" if follow else "")


def _error(message: str) -> None:
    print(f"newswatch alerts: {message}", file=sys.stderr)


def run_alerts(
    *,
    topic: str | None,
    limit: int,
    as_json: bool,
    follow: bool,
    data_dir: Path | None,
    config: Path | None = None,
    out: TextIO | None = None,
) -> int:
    """0 on success (and on Ctrl-C while following), 2 when no Redis can be found or
    reached, the topic is unknown, or the arguments are invalid. The instance is found as
    every command finds it: NEWSWATCH_REDIS_URL, else the `newswatch up` of ``data_dir``, of
    the ``data_dir`` setting of ``config``, or of ./.newswatch."""
    stream = out or sys.stdout  # ``limit``: 0 to MAX_LIMIT, checked by the command's option

    def resolve() -> str:
        return load_runtime(config, data_dir=data_dir).redis_url

    url = find_instance("newswatch alerts", config=config, data_dir=data_dir).redis_url

    client = connect(url)
    store, events = AlertStore(client), AlertEvents(client)
    render: Callable[[Alert], str] = format_json if as_json else format_line
    try:
        try:
            if topic is not None:
                check_topic_name(client, topic)
            position = events.position()  # before listing: nothing falls in between
            alerts = store.list(topic=topic, limit=limit)
            for alert in alerts:
                print(render(alert), file=stream, flush=True)
            if not alerts and not as_json:  # JSON lines: no line is the empty list
                # following, stdout carries only alerts (it is often piped): the notice that
                # none came yet goes to stderr
                notice = sys.stderr if follow else stream
                print(_none_yet(topic, limit, follow), file=notice, flush=True)
        except NotFoundError as exc:
            _error(exc.message)
            return 2
        except redis.RedisError as exc:
            _error(f"cannot read alerts from Redis at {_redacted(url)}: {exc}")
            return 2
        if not follow:
            return 0
        render_event = format_event_json if as_json else format_event_line
        follower = _Follower(client, url, resolve)
        return follower.run(position, topic, render_event, stream)
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    finally:
        client.close()


class _Follower:
    """Reads the alert event stream from a position, and outlives the Redis it reads: when
    the connection drops (``newswatch up`` restarted, Redis restarted) it finds the instance
    again (its URL file may name a new port) and goes on from the same position, so no event
    kept in the stream is missed or printed twice."""

    def __init__(self, client: redis.Redis, url: str, resolve: Callable[[], str]) -> None:
        self.client, self.url, self.resolve = client, url, resolve

    def run(
        self,
        position: str,
        topic: str | None,
        render: Callable[[AlertEvent, Alert], str],
        stream: TextIO,
    ) -> int:
        while True:
            store, events = AlertStore(self.client), AlertEvents(self.client)
            try:
                position, batch = events.read(position, block_ms=FOLLOW_BLOCK_MS)
                wanted = [e for e in batch if topic is None or e.topic == topic]
                alerts = {a.id: a for a in store.get_many([e.alert_id for e in wanted])}
            except redis.RedisError as exc:
                _error(f"lost Redis at {_redacted(self.url)} ({exc}); reconnecting (Ctrl-C stops)")
                self._reconnect()
                continue
            for event in wanted:
                alert = alerts.get(event.alert_id)
                if alert is not None:  # None: dropped from the capped list since
                    print(render(event, alert), file=stream, flush=True)

    def _reconnect(self) -> None:
        attempt = 0
        while True:
            time.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
            attempt += 1
            try:
                url = self.resolve()  # `newswatch up` rewrites its URL file at start
            except ConfigError:
                url = self.url
            client = connect(url)
            try:
                client.ping()
            except redis.RedisError:
                client.close()
                continue
            self.client.close()
            self.client, self.url = client, url
            _error(f"reconnected to Redis at {_redacted(url)}")
            return
