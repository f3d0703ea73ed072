"""A query tried on stored articles: how often it would have matched, day by day, and on what.

Pure: the caller reads the articles (newest first, in batches) and says which days the window
covers; :class:`Backtest` matches each batch with the same matcher the worker uses (presearch
index, language filter, evaluator) and keeps the counts and a sample of the newest matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from newswatch.core.alerting import article_document
from newswatch.core.language import language_code
from newswatch.core.models import Article
from newswatch.core.query import Query, TopicMatcher, TopicSpec
from newswatch.core.query.compiled import as_query, query_text
from newswatch.core.query.evaluator import evaluate
from newswatch.core.query.index import triggers
from newswatch.core.text import fold

SAMPLE = 10  # newest matching articles shown
MAX_SAMPLE = 100


def day_of(article: Article) -> str:
    """The UTC day an article was stored (``extracted_at`` is ISO 8601 in UTC)."""
    return article.extracted_at[:10]


def days_between(first: date, last: date) -> list[str]:
    """Every day from ``first`` to ``last`` inclusive, as ISO dates."""
    count = (last - first).days + 1
    return [(first + timedelta(days=n)).isoformat() for n in range(max(count, 0))]


@dataclasses.dataclass
class Backtest:
    """Feed it batches of articles with :meth:`add`; read :meth:`to_dict`."""

    query: str | Query  # text, or parsed (a pack topic's)
    languages: tuple[str, ...] = ()
    days: list[str] = dataclasses.field(default_factory=list)  # the window, oldest first
    sample_size: int = SAMPLE
    articles: int = 0
    matches: int = 0
    per_day: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # [articles, matches]
    sample: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        # raises QueryError for a query that does not parse (the caller validated it first)
        self._matcher = TopicMatcher([TopicSpec("backtest", self.query, self.languages)])
        self._root = as_query(self.query).root
        self._languages = {language_code(lang) for lang in self.languages if lang.strip()}
        found = triggers(self._root)
        self._triggers = None if found is None else tuple(sorted({t.word for t in found}))
        for day in self.days:
            self.per_day.setdefault(day, [0, 0])

    def add(self, batch: Iterable[Article]) -> None:
        for article in batch:
            counts = self.per_day.setdefault(day_of(article), [0, 0])
            counts[0] += 1
            self.articles += 1
            if self._matches(article):
                counts[1] += 1
                self.matches += 1

    def _matches(self, article: Article) -> bool:
        if not self._may(article):
            return False
        document = article_document(article)
        if len(self.sample) >= self.sample_size:
            # the verdict alone: the words found are only shown for the sample
            return self._accepts(document.language) and evaluate(self._root, document)
        found = self._matcher.match(document)
        if found:
            self.sample.append({**article.summary(), "matched": list(found[0].matched)})
        return bool(found)

    def _accepts(self, language: str) -> bool:
        # as the matcher filters: an article of unknown language is never left out
        return not self._languages or not language or language in self._languages

    def _may(self, article: Article) -> bool:
        """Whether the article contains one of the words every match needs, as a substring
        of its folded text: tokenising (most of the cost) is left for those that do."""
        if self._triggers is None:
            return True
        folded = "\n".join((fold(article.title), fold(article.text), fold(article.feed_name)))
        return any(word in folded for word in self._triggers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": query_text(self.query),
            "languages": list(self.languages),
            "articles": self.articles,
            "matches": self.matches,
            "per_day": [
                {"day": day, "articles": counts[0], "matches": counts[1]}
                for day, counts in sorted(self.per_day.items())
            ],
            "sample": self.sample,
        }
