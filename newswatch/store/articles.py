"""Extracted articles, the URL claims and the failure log, in Redis.

Layout (names from :mod:`newswatch.store.keys`):

- ``keys.article(id)``: the article JSON;
- ``keys.seen_url(url_key(canonical_url))`` and ``keys.seen_text(fingerprint)``: the article
  that first claimed that URL / that text, and its story (claimed by
  :meth:`newswatch.store.stories.StoryStore.place`);
- all three expire after ``retention`` seconds (the ``retention_days`` setting), so a service
  that runs for months holds a bounded window of articles; a copy arriving later than that
  is treated as new;
- ``keys.ARTICLES_BY_TIME``: article id -> unix time stored (its ``extracted_at``), trimmed to
  the same window when an article is saved: a time window of articles (a backtest, a backfill,
  ``GET /api/articles``) is read without scanning the keyspace, in batches of ``BATCH``;
- failures go to the shared failure log (:mod:`newswatch.store.failures`) as kind "article".
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis

from newswatch.core.cursor import Position
from newswatch.core.fingerprint import url_key
from newswatch.core.models import Article
from newswatch.core.times import unix_from_iso
from newswatch.store import keys
from newswatch.store.codec import as_text
from newswatch.store.failures import record_failure
from newswatch.store.paging import Page, newest_first

DEFAULT_RETENTION = 90 * 24 * 3600
BATCH = 500  # articles per round trip when reading a window


def stored_at(article: Article) -> float:
    """The unix time the article was stored (its index score); now for a malformed time."""
    try:
        return unix_from_iso(article.extracted_at)
    except ValueError:
        return time.time()


class ArticleStore:
    def __init__(self, client: redis.Redis, *, retention: int = DEFAULT_RETENTION):
        if retention < 1:
            raise ValueError(f"retention must be at least one second, got {retention}")
        self._client = client
        self._retention = retention

    def url_holders(self, canonical_urls: list[str]) -> dict[str, str | None]:
        """Which article already claimed each URL (None: none yet), in one round trip. A cheap
        pre-check: copies of a known URL need no extraction. StoryStore.place stays the
        authority."""
        if not canonical_urls:
            return {}
        pipe = self._client.pipeline(transaction=False)
        holders = self.url_holders_on(pipe, canonical_urls)
        return holders(iter(pipe.execute()))

    def url_holders_on(
        self, pipe: Any, canonical_urls: list[str]
    ) -> Callable[[Iterator[Any]], dict[str, str | None]]:
        """Queue :meth:`url_holders`'s read on ``pipe`` (a pipeline the caller executes);
        returns the function that takes the pipeline's replies (an iterator, from this read's
        on) to its answer."""
        if canonical_urls:
            pipe.mget([keys.seen_url(url_key(url)) for url in canonical_urls])

        def holders(replies: Iterator[Any]) -> dict[str, str | None]:
            raw = next(replies) if canonical_urls else []
            return {
                # the claim names the article, then its story
                url: (as_text(holder).split(" ", 1)[0] if holder is not None else None)
                for url, holder in zip(canonical_urls, raw, strict=True)
            }

        return holders

    def save(self, article: Article) -> None:
        pipe = self._client.pipeline(transaction=False)
        self.save_on(pipe, article)
        pipe.execute()

    def save_on(self, pipe: Any, article: Article) -> None:
        """Queue :meth:`save`'s writes on ``pipe`` (a pipeline the caller executes, so they
        share a round trip with its other writes)."""
        pipe.set(
            keys.article(article.id),
            json.dumps(article.to_dict(), ensure_ascii=False, separators=(",", ":")),
            ex=self._retention,
        )
        pipe.zadd(keys.ARTICLES_BY_TIME, {article.id: stored_at(article)})
        # the articles themselves expire by TTL; their index entries go with the next save
        pipe.zremrangebyscore(keys.ARTICLES_BY_TIME, "-inf", f"({time.time() - self._retention!r}")

    def index_unindexed(self) -> int:
        """Index articles stored before the time index existed (once: nothing happens when
        the index is there). Scans the article keys, ``BATCH`` per round trip; returns how
        many were indexed."""
        if self._client.exists(keys.ARTICLES_BY_TIME):
            return 0
        indexed = 0
        pattern = keys.article("*")
        batch: list[Any] = []
        for key in self._client.scan_iter(match=pattern, count=BATCH):
            batch.append(key)
            if len(batch) >= BATCH:
                indexed += self._index_keys(batch)
                batch = []
        return indexed + self._index_keys(batch)

    def _index_keys(self, found: list[Any]) -> int:
        if not found:
            return 0
        raws: Any = self._client.mget(found)
        scores = {}
        for raw in raws:
            if raw is not None:
                article = Article.from_dict(json.loads(raw))
                scores[article.id] = stored_at(article)
        if scores:
            self._client.zadd(keys.ARTICLES_BY_TIME, scores)
        return len(scores)

    def window(self, since: float, until: float | None = None) -> Iterator[list[Article]]:
        """The articles stored from ``since`` to ``until`` (unix times, inclusive), newest
        first, ``BATCH`` at a time: one ZREVRANGEBYSCORE and one MGET per batch, however
        many articles the window holds. Articles expired since are left out."""
        after: Position | None = None
        while True:
            page = self.page(after=after, limit=BATCH, since=since, until=until)
            found = [a for a in self.get_many([m for m, _ in page.items]) if a is not None]
            if found:
                yield found
            if page.next is None:
                return
            after = page.next

    def page(
        self,
        *,
        after: Position | None,
        limit: int,
        since: float | None = None,
        until: float | None = None,
    ) -> Page:
        """Ids (with their stored time) of one page of the index, newest first."""
        return newest_first(
            self._client, keys.ARTICLES_BY_TIME, after=after, limit=limit, low=since, high=until
        )

    def get(self, article_id: str) -> Article | None:
        raw = self._client.get(keys.article(article_id))
        if raw is None:
            return None
        return Article.from_dict(json.loads(raw))

    def get_many(self, article_ids: list[str]) -> list[Article | None]:
        """The articles in the order given (None for one no longer kept), in one round trip."""
        if not article_ids:
            return []
        raws: Any = self._client.mget([keys.article(i) for i in article_ids])
        return [Article.from_dict(json.loads(r)) if r is not None else None for r in raws]

    def record_failure(
        self,
        stage: str,
        reason: str,
        article_id: str,
        feed_id: str,
        message: str,
        *,
        at: float | None = None,
    ) -> str:
        """Append to the capped failure stream and return the entry id. The message may name
        the URL: it stays in Redis, never in a metric label. Entries carry ``kind`` "article"
        beside the scheduler's "feed" and "page" entries in the same stream."""
        return record_failure(
            self._client,
            kind="article",
            stage=stage,
            reason=reason,
            message=message,
            at=time.time() if at is None else at,
            feed_id=feed_id,
            article_id=article_id,
        )
