"""The public JSON shapes of an alert (API and ``newswatch alerts --json``) and of a story:
exactly these fields, added to but never renamed."""

from __future__ import annotations

from typing import Any

from newswatch.core.models import ALERT_ARTICLE_FIELDS, Alert, Story


def article_fields(article: object) -> dict[str, Any]:
    """The contract's article fields of a stored article summary (each None when missing)."""
    known = article if isinstance(article, dict) else {}
    return {name: known.get(name) for name in ALERT_ARTICLE_FIELDS}


def public_article(article: object) -> dict[str, Any] | None:
    """:func:`article_fields`, or None when there is no article at all."""
    return article_fields(article) if isinstance(article, dict) and article else None


def public_alert(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "topic": alert.topic,
        "created_at": alert.created_at,
        "matched": list(alert.matched),
        "snippet": alert.snippet,
        "article": article_fields(alert.article),
        "highlights": [dict(h) for h in alert.highlights],
        "snippet_marks": [list(m) for m in alert.snippet_marks],
        # since stories: the story, the outlets carrying it, its last change and latest copy
        "story_id": alert.story_id or None,
        "sources_count": alert.sources_count,
        "sources": list(alert.sources),
        "updated_at": alert.updated_at or alert.created_at,
        "latest_article": public_article(alert.latest_article),
        "backfilled": alert.backfilled,
    }


def public_story(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "first_seen": story.first_seen,
        "updated_at": story.updated_at,
        "sources_count": story.sources_count,
        "sources": list(story.sources),
        "articles_count": len(story.articles),
        "first_article": public_article(story.first_article),
        "latest_article": public_article(story.latest_article),
    }
