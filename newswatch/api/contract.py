"""The public JSON shape of an alert (API and ``newswatch alerts --json``): exactly these
fields, added to but never renamed."""

from __future__ import annotations

from typing import Any

from newswatch.core.models import ALERT_ARTICLE_FIELDS, Alert


def public_alert(alert: Alert) -> dict[str, Any]:
    article = alert.article if isinstance(alert.article, dict) else {}
    return {
        "id": alert.id,
        "topic": alert.topic,
        "created_at": alert.created_at,
        "matched": list(alert.matched),
        "snippet": alert.snippet,
        "article": {name: article.get(name) for name in ALERT_ARTICLE_FIELDS},
        "highlights": [dict(h) for h in alert.highlights],
        "snippet_marks": [list(m) for m in alert.snippet_marks],
    }
