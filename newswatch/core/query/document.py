"""A document prepared for matching: every field folded and tokenised once, then shared by all
topics. What only some documents need (word positions, the sorted vocabulary, the character
offsets of words) is computed on first use and kept."""

from __future__ import annotations

import bisect
import dataclasses
import functools

from newswatch.core.language import language_code
from newswatch.core.query import kernel
from newswatch.core.query.ast import WordPattern
from newswatch.core.text import FoldedOffsets, fold, words_pattern

Span = tuple[int, int]  # token offsets [start, end) within one field
_NOWHERE: list[int] = []  # never changed

# the fields made of words, in the order they are reported
WORD_FIELDS = ("title", "text", "feed")


class FieldIndex:
    """The folded words of one field: which occur, where, and where they stand in the
    original text."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.folded = fold(original)
        # the words alone (splitting the gaps out too cost twice what findall does): where
        # they stand is found from them when a highlight needs it. The compiled kernel makes
        # each distinct word of a one-byte text once: the set then hashes those alone
        self.tokens: list[str]
        self.tokens, self.words = kernel.active.words(self.folded, words_pattern(self.folded))

    @classmethod
    def build(cls, text: str) -> FieldIndex:
        return cls(text)

    @functools.cached_property
    def positions(self) -> dict[str, list[int]]:
        """word -> token offsets where it occurs, ascending."""
        return kernel.active.positions(self.tokens)

    @functools.cached_property
    def vocabulary(self) -> list[str]:
        """The distinct words, sorted: prefix look-ups by bisection."""
        return sorted(self.words)

    def where(self, word: str) -> list[int]:
        """The token offsets of ``word``, ascending."""
        return self.positions.get(word, _NOWHERE)

    def has(self, pattern: WordPattern) -> bool:
        """Whether a word matching ``pattern`` occurs in this field."""
        if not pattern.prefix:
            return pattern.word in self.words
        vocabulary = self.vocabulary
        i = bisect.bisect_left(vocabulary, pattern.word)
        return i < len(vocabulary) and vocabulary[i].startswith(pattern.word)

    def starts(self, pattern: WordPattern) -> list[int]:
        """Token offsets where ``pattern`` matches, ascending."""
        if not pattern.prefix:
            return list(self.where(pattern.word))
        found: list[int] = []
        vocabulary = self.vocabulary
        i = bisect.bisect_left(vocabulary, pattern.word)
        while i < len(vocabulary) and vocabulary[i].startswith(pattern.word):
            found.extend(self.where(vocabulary[i]))
            i += 1
        return sorted(found)

    def find(self, words: tuple[WordPattern, ...]) -> list[Span]:
        """Spans where ``words`` occur as consecutive tokens."""
        if not all(self.has(w) for w in words):
            return []  # cheaper than walking the positions of the first word
        spans: list[Span] = []
        tokens = self.tokens
        for start in self.starts(words[0]):
            end = start + len(words)
            if end <= len(tokens) and all(
                _fits(tokens[start + k], words[k]) for k in range(1, len(words))
            ):
                spans.append((start, end))
        return spans

    @functools.cached_property
    def token_offsets(self) -> list[int]:
        """Offsets in the folded text: where token k starts at [2k], where it ends at
        [2k + 1] (each token found from the end of the one before, in C)."""
        return kernel.active.token_offsets(self.folded, self.tokens)

    @functools.cached_property
    def keeps_offsets(self) -> bool:
        """Whether folding kept every offset of the original text (ASCII text, most other
        news text, its quotes and dashes): ``token_offsets`` are then the original's (the
        compiled kernel finds them itself, without an int object per word boundary)."""
        return self.original.isascii() or self._folded_offsets.keeps_offsets()

    @functools.cached_property
    def _folded_offsets(self) -> FoldedOffsets:
        return FoldedOffsets(self.original)

    @functools.cached_property
    def original_offsets(self) -> list[int]:
        """``token_offsets`` in the original text (the same list where folding kept every
        offset)."""
        bounds = self.token_offsets
        if self.keeps_offsets:
            return bounds
        return kernel.active.original_offsets(bounds, *self._folded_offsets.segments())

    def char_span(self, span: Span) -> tuple[int, int]:
        """The offsets in the original text of the tokens ``span`` covers."""
        bounds = self.original_offsets
        return bounds[2 * span[0]], bounds[2 * span[1] - 1]


def _fits(token: str, pattern: WordPattern) -> bool:
    return token.startswith(pattern.word) if pattern.prefix else token == pattern.word


def host(value: str) -> str:
    """A site as ``source:`` compares it: folded, without scheme, path or leading "www."."""
    return fold(value.strip()).split("://", 1)[-1].split("/", 1)[0].removeprefix("www.")


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
            title=FieldIndex(title),
            text=FieldIndex(text),
            feed=FieldIndex(feed),
            language=language_code(language),
            source=host(source),
            url=fold(url.strip()),
        )

    def field(self, name: str) -> FieldIndex:
        if name == "title":
            return self.title
        if name == "text":
            return self.text
        return self.feed

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """Every distinct word of the word fields."""
        return self.title.words | self.text.words | self.feed.words
