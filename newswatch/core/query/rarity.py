"""How common a word is in news: the share of news articles that contain it.

The table (``document_frequencies.txt``, built by ``scripts/document_frequencies.py`` from
the real news text of the shared corpora; counts only) ships with the code and is read once
per process. A word missing from it is rarer than any listed word. The matcher picks the
rarest words of a query as presearch triggers; the linter spots topics that would match most
of the news. Only speed and warnings depend on it, never whether a query matches.
"""

from __future__ import annotations

import bisect
import functools
from importlib import resources

from newswatch.core.query.ast import WordPattern

_TABLE = "document_frequencies.txt"


class Rarity:
    """Document frequencies of words, as shares of the articles counted."""

    def __init__(self, documents: int, counts: dict[str, int]) -> None:
        self.documents = max(documents, 1)
        self.counts = counts
        self._sorted = sorted(counts)
        # unknown words: rarer than a word seen in one article of the table
        self.unknown = 0.5 / self.documents

    def share(self, word: str) -> float:
        """The share of news articles containing ``word`` (folded)."""
        count = self.counts.get(word)
        return count / self.documents if count else self.unknown

    def words_starting(self, prefix: str) -> list[str]:
        """The listed words starting with ``prefix``, most common first."""
        i = bisect.bisect_left(self._sorted, prefix)
        found = []
        while i < len(self._sorted) and self._sorted[i].startswith(prefix):
            found.append(self._sorted[i])
            i += 1
        return sorted(found, key=lambda w: -self.counts[w])

    def pattern_share(self, pattern: WordPattern) -> float:
        """The share of articles with a word matching ``pattern`` (for a prefix, at most the
        sum of its words' shares)."""
        if not pattern.prefix:
            return self.share(pattern.word)
        words = self.words_starting(pattern.word)
        if not words:
            return self.unknown
        return min(1.0, sum(self.counts[w] for w in words) / self.documents)


@functools.cache
def news_rarity() -> Rarity:
    """The table shipped with newswatch."""
    text = resources.files(__package__).joinpath(_TABLE).read_text(encoding="utf-8")
    documents = 1
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if line.startswith("# news articles\t"):
            documents = int(line.split("\t")[1])
        elif line and not line.startswith("#"):
            word, count = line.split("\t")
            counts[word] = int(count)
    return Rarity(documents, counts)
