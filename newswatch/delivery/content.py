"""What a delivery says: the rendered message (apprise channels) and the JSON payload
(webhooks) of an alert, an update, a digest or a test.

The webhook payload of an alert is the alert JSON, with one added field, ``delivery``
(id, kind, subscription, note); a digest's payload lists the alert JSONs under ``alerts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from newswatch.core.render import Message, render_alert, render_digest

_NOTES = {"quiet_hours": "held during quiet hours", "held": "held back", "digest": ""}


def _note(kind: str, note: str, alert: dict[str, Any]) -> str:
    if kind == "update" and note.startswith("sources-"):
        return f"Update: this story now has {alert.get('sources_count') or note[8:]} sources"
    if kind == "test":
        return "Test message from newswatch: this channel works"
    return ""


def build(
    *,
    delivery_id: str,
    kind: str,
    subscription: str,
    note: str,
    alerts: Sequence[dict[str, Any]],
) -> tuple[Message, dict[str, Any]]:
    """The message and the webhook payload of a delivery of ``alerts`` (one for an alert)."""
    meta = {"id": delivery_id, "kind": kind, "subscription": subscription, "note": note}
    if kind == "digest":
        message = render_digest(subscription, alerts, why=_NOTES.get(note, ""))
        payload = {
            "type": "digest",
            "delivery": meta,
            "subscription": subscription,
            "count": len(alerts),
            "alerts": list(alerts),
        }
        return message, payload
    alert = alerts[0]
    return render_alert(alert, note=_note(kind, note, alert)), {**alert, "delivery": meta}


def sample_alert(topic: str, now: float) -> dict[str, Any]:
    """The alert `subscriptions test` sends: shaped like a real one, marked as a test."""
    stamp = datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")
    return {
        "id": "test",
        "topic": topic,
        "created_at": stamp,
        "matched": ["newswatch"],
        "snippet": "This is a test alert from newswatch: if you read it, the channel works.",
        "article": {
            "id": "test",
            "url": "https://example.com/newswatch-test",
            "canonical_url": "https://example.com/newswatch-test",
            "title": "newswatch test alert",
            "source": "example.com",
            "published_at": stamp,
            "language": "en",
        },
        "sources_count": 1,
        "sources": ["example.com"],
    }
