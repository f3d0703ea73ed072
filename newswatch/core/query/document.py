"""A document prepared for matching: every field tokenised once, then shared by all topics."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Mapping

from newswatch.core.query.ast import WordPattern
from newswatch.core.text import fold, tokenize

Span = tuple[int, int]  # token offsets [start, end) within one field


@dataclasses.dataclass(frozen=True)
class FieldIndex:
    """The folded words of one field with where each occurs."""

    tokens: tuple[str, ...]
    positions: Mapping[str, tuple[int, ...]]
    vocabulary: tuple[str, ...]  # distinct words, sorted: prefix look-ups by bisection

    @classmethod
    def build(cls, text: str) -> FieldIndex:
        tokens = tuple(tokenize(text))
        positions: dict[str, list[int]] = {}
        for i, token in enumerate(tokens):
            positions.setdefault(token, []).append(i)
        return cls(
            tokens=tokens,
            positions={word: tuple(where) for word, where in positions.items()},
            vocabulary=tuple(sorted(positions)),
        )

    def starts(self, pattern: WordPattern) -> list[int]:
        """Token offsets where ``pattern`` matches, ascending."""
        if not pattern.prefix:
            return list(self.positions.get(pattern.word, ()))
        found: list[int] = []
        i = bisect.bisect_left(self.vocabulary, pattern.word)
        while i < len(self.vocabulary) and self.vocabulary[i].startswith(pattern.word):
            found.extend(self.positions[self.vocabulary[i]])
            i += 1
        return sorted(found)

    def find(self, words: tuple[WordPattern, ...]) -> list[Span]:
        """Spans where ``words`` occur as consecutive tokens."""
        spans: list[Span] = []
        for start in self.starts(words[0]):
            end = start + len(words)
            if end <= len(self.tokens) and all(
                _fits(self.tokens[start + k], words[k]) for k in range(1, len(words))
            ):
                spans.append((start, end))
        return spans


def _fits(token: str, pattern: WordPattern) -> bool:
    return token.startswith(pattern.word) if pattern.prefix else token == pattern.word


def language_code(language: str) -> str:
    """The two-letter primary language of a tag like "en-GB" ("" when unknown)."""
    return language.strip()[:2].lower()


def _host(source: str) -> str:
    return fold(source.strip()).split("://", 1)[-1].split("/", 1)[0].removeprefix("www.")


@dataclasses.dataclass(frozen=True)
class MatchDocument:
    """Title, text and feed name as word indexes; language, source and URL as values."""

    title: FieldIndex
    text: FieldIndex
    feed: FieldIndex
    language: str  # two-letter code, "" when unknown
    source: str  # folded host without "www."
    url: str  # folded

    @classmethod
    def build(
        cls,
        *,
        title: str = "",
        text: str = "",
        language: str = "",
        source: str = "",
        url: str = "",
        feed: str = "",
    ) -> MatchDocument:
        return cls(
            title=FieldIndex.build(title),
            text=FieldIndex.build(text),
            feed=FieldIndex.build(feed),
            language=language_code(language),
            source=_host(source),
            url=fold(url.strip()),
        )

    def field(self, name: str) -> FieldIndex:
        if name == "title":
            return self.title
        if name == "text":
            return self.text
        return self.feed

    def vocabulary(self) -> str:
        """Every distinct word of the word fields as " a b c ", for the topic index."""
        words = set(self.title.vocabulary) | set(self.text.vocabulary) | set(self.feed.vocabulary)
        return " " + " ".join(sorted(words)) + " "
