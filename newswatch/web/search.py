"""The alerts a query in the product's own language finds: the query is evaluated on each
alert's article (title, text, language, source, URL, feed) exactly as the worker matches
topics, over the newest alerts of the page's filter."""

from __future__ import annotations

from collections.abc import Iterable

import redis

from newswatch.core.alerting import article_document
from newswatch.core.models import Alert
from newswatch.core.query import MatchDocument, Query
from newswatch.store.articles import ArticleStore

SCAN_LIMIT = 2000  # newest alerts searched at most: a search answers within a page load
_BATCH = 200


def _fallback(alert: Alert) -> MatchDocument:
    """An alert whose article has expired: its title and snippet are all there is."""
    article = alert.article
    return MatchDocument.build(
        title=str(article.get("title") or ""),
        text=alert.snippet,
        language=str(article.get("language") or ""),
        source=str(article.get("source") or ""),
        url=str(article.get("url") or ""),
    )


def search_alerts(
    client: redis.Redis, alerts: Iterable[Alert], query: Query, *, limit: int
) -> list[Alert]:
    """The alerts (in the order given) whose article ``query`` matches, at most ``limit``."""
    articles = ArticleStore(client)
    found: list[Alert] = []
    batch: list[Alert] = []

    def flush() -> None:
        ids = [str(a.article.get("id") or "") for a in batch]
        for alert, article in zip(batch, articles.get_many(ids), strict=True):
            doc = article_document(article) if article is not None else _fallback(alert)
            if query.evaluate(doc) is not None and len(found) < limit:
                found.append(alert)
        batch.clear()

    for alert in alerts:
        batch.append(alert)
        if len(batch) >= _BATCH:
            flush()
            if len(found) >= limit:
                return found
    if batch:
        flush()
    return found
