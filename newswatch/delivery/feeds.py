"""Feeds of alerts: an Atom feed (feedgen) and its JSON twin, per topic or per subscription.

Entries are the newest alerts, each rendered as every channel renders it (title, publishers
and "+N sources", time, marked snippet, link), so a feed reader shows what an e-mail shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator

from newswatch.core.render import alert_title, link, one_line, render_alert

FEED_ENTRIES = 50


def _moment(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def atom(alerts: Sequence[dict[str, Any]], *, feed_id: str, title: str, self_url: str) -> bytes:
    """An Atom document of ``alerts`` (newest first). ``feed_id``: a stable URI."""
    generator = FeedGenerator()
    generator.id(feed_id)
    generator.title(one_line(title))
    generator.link(href=self_url, rel="self")
    generator.author({"name": "newswatch"})
    generator.updated(max((_moment(a.get("created_at")) for a in alerts), default=_moment(0)))
    for alert in reversed(list(alerts)):  # feedgen lists the last added first
        message = render_alert(alert)
        entry = generator.add_entry()
        entry.id(f"urn:newswatch:alert:{one_line(alert.get('id'), 64)}")
        entry.title(message.title)
        url = link(alert)
        if url:
            entry.link(href=url)
        entry.updated(_moment(alert.get("updated_at") or alert.get("created_at")))
        entry.published(_moment(alert.get("created_at")))
        entry.content(message.html, type="html")
    document: bytes = generator.atom_str(pretty=False)
    return document


def json_feed(alerts: Sequence[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """The same entries as JSON: each alert JSON with its rendered ``title`` and ``text``."""
    items = []
    for alert in alerts:
        message = render_alert(alert)
        items.append({**alert, "title": alert_title(alert), "text": message.text})
    return {"title": one_line(title), "count": len(items), "items": items}
