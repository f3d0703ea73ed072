"""Alerts for articles stored before a topic existed: ``topics add --backfill DAYS`` and
``POST /api/topics?backfill=DAYS``.

The topic is matched with the worker's matcher over the articles stored in the last days
(oldest first, as the worker met them), and every match is recorded through the worker's own
alert path (:func:`newswatch.core.alerting.alert_of`, :meth:`AlertStore.record`): one alert per
story and topic, the same ids, so a backfill run twice, or over stories the worker already
alerted, adds nothing. Backfilled alerts say so (``backfilled: true``); they enter the event
stream like any other, so subscriptions deliver them too.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

import redis

from newswatch.config import Settings
from newswatch.core.alerting import alert_of, article_document
from newswatch.core.catalog import Topic
from newswatch.core.models import Article
from newswatch.core.pack import matcher_query
from newswatch.core.query import TopicMatch, TopicMatcher, TopicSpec
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.topics import load_pack

MAX_BACKFILL_DAYS = 3650


@dataclasses.dataclass(frozen=True)
class Backfill:
    days: int
    articles: int  # stored articles read
    matched: int  # of them matching the topic
    created: int  # alerts created (a story already alerted for the topic adds none)

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def backfill(
    client: redis.Redis, topic: Topic, *, days: int, settings: Settings, now: float | None = None
) -> Backfill:
    """Raise ``topic``'s alerts on the articles stored in the last ``days`` days."""
    if not 1 <= days <= MAX_BACKFILL_DAYS:
        raise ValueError(f"backfill days must be from 1 to {MAX_BACKFILL_DAYS}, got {days}")
    until = time.time() if now is None else now
    query = matcher_query(topic.query, topic.pack, load_pack())
    matcher = TopicMatcher([TopicSpec(topic.name, query, topic.languages)])
    found: list[tuple[Article, TopicMatch]] = []
    read = 0
    for batch in ArticleStore(client).window(until - days * 86400, until):
        read += len(batch)
        for article in batch:
            found += [(article, match) for match in matcher.match(article_document(article))]
    retention = settings.retention_days * 86400
    alerts = AlertStore(
        client,
        maxlen=settings.alert_stream_maxlen,
        topic_maxlen=settings.alert_topic_maxlen,
        retention=retention,
    )
    at = datetime.fromtimestamp(until, UTC).isoformat()
    created = 0
    for article, match in reversed(found):  # oldest first: a story's first match raises it
        story_id = article.story_id or article.id
        alert = alert_of(match, article, story_id, at, backfilled=True)
        topics, _ = alerts.record(story_id, [alert], article_id=article.id, at=at)
        created += len(topics)
    return Backfill(days=days, articles=read, matched=len(found), created=created)
