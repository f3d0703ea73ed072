"""A short excerpt of an article around what a topic found in it, for alerts.

The matcher already knows where every found word stands in the article text (a Highlight:
field and character offsets, computed once per article for all its topics), so a snippet
folds and searches nothing: it picks the window where the rarest found words cluster, cuts
it on word boundaries with "…" where it was cut, collapses whitespace, and reports where the
found words stand in the excerpt (``marks``) so that a reader can show them marked.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence

from newswatch.core.query.highlight import Highlight
from newswatch.core.query.rarity import news_rarity
from newswatch.core.text import normalize_whitespace, tokenize

ELLIPSIS = "…"
WIDTH = 240
_SPACE = re.compile(r"\s+")


@dataclasses.dataclass(frozen=True)
class Snippet:
    text: str
    marks: tuple[tuple[int, int], ...] = ()  # [start, end) of the found words in ``text``

    def marked(self, before: str = "**", after: str = "**") -> str:
        """The text with every mark wrapped (Markdown bold by default)."""
        pieces, last = [], 0
        for start, end in self.marks:
            pieces += [self.text[last:start], before, self.text[start:end], after]
            last = end
        return "".join([*pieces, self.text[last:]])


class Snippets:
    """The snippets of one article, for all the topics it matched: a topic whose text
    highlights another topic already had gets the same snippet without any work, and what a
    found word weighs is worked out once per article."""

    def __init__(self, text: str, width: int = WIDTH) -> None:
        self.text = text
        self.width = max(width, 1)
        self._made: dict[tuple[Highlight, ...], Snippet] = {}
        self._weights: dict[str, tuple[str, float]] = {}

    def make(self, highlights: Sequence[Highlight] = ()) -> Snippet:
        """See ``make_snippet``."""
        text = self.text
        hits = tuple(
            sorted(
                (h for h in highlights if h.field == "text" and 0 <= h.start < h.end <= len(text)),
                key=lambda h: (h.start, h.end),
            )
        )
        made = self._made.get(hits)
        if made is None:
            made = self._made[hits] = _cut(text, list(hits), self.width, self._weight)
        return made

    def _weight(self, hit: Highlight) -> tuple[str, float]:
        found = self._weights.get(hit.text)
        if found is None:
            found = self._weights[hit.text] = (_key(hit), _weight(hit))
        return found


def make_snippet(text: str, highlights: Sequence[Highlight] = (), width: int = WIDTH) -> Snippet:
    """About ``width`` characters of ``text`` around the strongest hit among ``highlights``
    (the ones in the text field; offsets into ``text``): the window holding the rarest
    distinct found words, the earliest among equals. With no hit in the text, the start of
    the text. Whitespace is collapsed. (For several topics of one article: ``Snippets``.)"""
    return Snippets(text, width).make(highlights)


def _cut(
    text: str,
    hits: list[Highlight],
    width: int,
    weigh: Callable[[Highlight], tuple[str, float]],
) -> Snippet:
    hit_start, hit_end = _strongest(hits, width, weigh) or (0, 0)
    start = max(0, hit_start - max(0, width - (hit_end - hit_start)) // 2)
    end = min(len(text), max(start + width, hit_end))
    start = max(0, min(start, end - width))
    start, end = _on_word_boundaries(text, start, end, hit_start, hit_end)
    return _excerpt(text, start, end, hits)


def _strongest(
    hits: list[Highlight], width: int, weigh: Callable[[Highlight], tuple[str, float]]
) -> tuple[int, int] | None:
    """Where the found words weigh most within ``width`` characters: [start, end) from the
    first to the last hit of that window. Distinct words count once, and a word weighs more
    the rarer it is in news; the earliest window wins among equals."""
    if not hits:
        return None
    weights = [weigh(h) for h in hits]
    best, best_score = (hits[0].start, hits[0].end), -1.0
    inside: dict[str, int] = {}
    score = 0.0
    high = 0
    for low, first in enumerate(hits):
        # the window starts at hit ``low`` and takes every later hit that ends within it
        while high < len(hits) and hits[high].end <= first.start + width:
            key, weight = weights[high]
            inside[key] = inside.get(key, 0) + 1
            score += weight if inside[key] == 1 else 0.0
            high += 1
        if high > low and score > best_score + 1e-9:
            best, best_score = (first.start, max(h.end for h in hits[low:high])), score
        if high > low:
            key, weight = weights[low]
            inside[key] -= 1
            score -= weight if inside[key] == 0 else 0.0
        else:
            high = low + 1  # a hit longer than the window: alone
    return best


def _key(hit: Highlight) -> str:
    return " ".join(tokenize(hit.text))


def _weight(hit: Highlight) -> float:
    rarity = news_rarity()
    return sum(-math.log(rarity.share(word)) for word in tokenize(hit.text)) or 1.0


def _on_word_boundaries(
    text: str, start: int, end: int, keep_from: int, keep_to: int
) -> tuple[int, int]:
    """Move cuts that fall inside a word to the nearest space, never into the kept hit."""
    if start > 0 and not text[start - 1].isspace():
        space = _find_space(text, start, max(start, keep_from))
        if space != -1:
            start = space + 1
    if end < len(text) and not text[end].isspace():
        space = _rfind_space(text, max(keep_to, start), end)
        if space != -1:
            end = space
    return start, end


def _find_space(text: str, start: int, end: int) -> int:
    found = _SPACE.search(text, start, end)
    return found.start() if found else -1


def _rfind_space(text: str, start: int, end: int) -> int:
    last = -1
    for found in _SPACE.finditer(text, start, end):
        last = found.start()
    return last


def _excerpt(text: str, start: int, end: int, hits: list[Highlight]) -> Snippet:
    """``text[start:end]`` with whitespace collapsed, "…" where cut, and the hits inside it
    as marks in the result."""
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    body = normalize_whitespace(raw)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    # where each raw offset lands once whitespace is collapsed
    position: list[int] = []
    out = 0
    for i, char in enumerate(raw):
        position.append(out)
        if i < lead:
            continue
        if char.isspace():
            if i + 1 < len(raw) and not raw[i + 1].isspace():
                out += 1
        else:
            out += 1
    position.append(out)
    marks: list[tuple[int, int]] = []
    for hit in hits:
        if hit.start >= start and hit.end <= end:
            mark = (
                len(prefix) + position[hit.start - start],
                len(prefix) + position[hit.end - start],
            )
            if not marks or mark[0] >= marks[-1][1]:
                marks.append(mark)
    return Snippet(prefix + body + suffix, tuple(marks))
