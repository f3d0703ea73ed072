"""Real news articles stored as the worker stores them: the ECB+ corpus documents of the
shared corpora (news reports of the same events by many outlets), spread over the last days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

from newswatch.core.fingerprint import words_fingerprint
from newswatch.core.models import Article
from newswatch.core.text import tokenize
from newswatch.core.urls import source_of
from newswatch.store.articles import ArticleStore

ECBPLUS = "ecbplus/documents.jsonl"


def corpus_articles(corpora: Path, *, now: datetime, days: int = 30) -> list[Article]:
    """Every ECB+ document as an article (first line the title), the n-th stored
    ``n % days`` days and ``n`` minutes before ``now``, so every day of the window has some."""
    articles = []
    lines = (corpora / ECBPLUS).read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        doc = json.loads(line)
        title, _, text = doc["text"].partition("\n")
        url = doc["url"] or f"https://ecbplus.example/{doc['doc_name']}"
        stored = now - timedelta(days=n % days, minutes=n % 600)
        article_id = f"ecb{n:04d}"
        articles.append(
            Article(
                id=article_id,
                url=url,
                canonical_url=url,
                title=title.strip(),
                source=source_of(url),
                published_at=None,
                language="en",
                author="",
                text=text.strip(),
                fingerprint=words_fingerprint(tokenize(text)),
                feed_id="ecbplus",
                feed_name="ECB+",
                extracted_at=stored.astimezone(UTC).isoformat(),
                story_id=article_id,
            )
        )
    return articles


def store_articles(client: redis.Redis, articles: list[Article]) -> None:
    store = ArticleStore(client)
    for article in articles:
        store.save(article)
