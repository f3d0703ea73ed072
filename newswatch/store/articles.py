"""Extracted articles, exact-duplicate claims and the failure log, in Redis.

Layout (names from :mod:`newswatch.store.keys`):

- ``keys.article(id)``: the article JSON;
- ``keys.seen_url(url_key(canonical_url))`` and ``keys.seen_text(fingerprint)``: the id of the
  article that first claimed that URL / that text;
- all three expire after ``retention`` seconds (the ``retention_days`` setting), so a service
  that runs for months holds a bounded window of articles; a copy arriving later than that
  is treated as new;
- failures go to the shared failure log (:mod:`newswatch.store.failures`) as kind "article".
"""

from __future__ import annotations

import json
import time

import redis

from newswatch.core.fingerprint import url_key
from newswatch.core.models import Article
from newswatch.store import keys
from newswatch.store.codec import as_text
from newswatch.store.failures import record_failure

# KEYS: seen_url, seen_text; ARGV: article id, TTL in seconds.
# Returns the id of an earlier article holding either key, else claims both and returns nil.
# A key already held by this same id counts as free, so re-running a job after a crash
# claims again instead of calling the article a duplicate of itself.
_CLAIM_SCRIPT = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return holder
end
holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then
  return holder
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
return false
"""


DEFAULT_RETENTION = 90 * 24 * 3600


class ArticleStore:
    def __init__(self, client: redis.Redis, *, retention: int = DEFAULT_RETENTION):
        if retention < 1:
            raise ValueError(f"retention must be at least one second, got {retention}")
        self._client = client
        self._retention = retention
        self._claim = client.register_script(_CLAIM_SCRIPT)

    def claim(self, article_id: str, canonical_url: str, fingerprint: str) -> str | None:
        """Atomically claim the URL and the text for ``article_id``.

        Returns None when the article is new (or is this same article again), else the id of
        the earlier article it duplicates, by URL first, then by text. A duplicate claims
        nothing.
        """
        holder = self._claim(
            keys=[keys.seen_url(url_key(canonical_url)), keys.seen_text(fingerprint)],
            args=[article_id, self._retention],
        )
        if holder is None:
            return None
        return as_text(holder)

    def url_holders(self, canonical_urls: list[str]) -> dict[str, str | None]:
        """Which article already claimed each URL (None: none yet), in one round trip. A cheap
        pre-check: copies of a known URL need no extraction. :meth:`claim` stays the
        authority."""
        if not canonical_urls:
            return {}
        raw = self._client.mget([keys.seen_url(url_key(url)) for url in canonical_urls])
        return {
            url: (as_text(holder) if holder is not None else None)
            for url, holder in zip(canonical_urls, raw, strict=True)
        }

    def save(self, article: Article) -> None:
        self._client.set(
            keys.article(article.id),
            json.dumps(article.to_dict(), ensure_ascii=False, separators=(",", ":")),
            ex=self._retention,
        )

    def get(self, article_id: str) -> Article | None:
        raw = self._client.get(keys.article(article_id))
        if raw is None:
            return None
        return Article.from_dict(json.loads(raw))

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
