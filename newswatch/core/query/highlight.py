"""What a match found, as the article writes it: words with their field and character offsets."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from newswatch.core.query.document import WORD_FIELDS, MatchDocument, Span
from newswatch.core.text import fold, normalize_whitespace

# a page repeating a word a thousand times needs no thousand highlights
MAX_HIGHLIGHTS = 50
MAX_MATCHED_WORDS = 20


@dataclasses.dataclass(frozen=True, slots=True)
class Highlight:
    """One occurrence of a query term in the article.

    ``start`` and ``end`` are offsets (Unicode code points) into the field's text as stored:
    the article's title or text, or the feed's name. ``text`` is that slice: the words as
    the article writes them ("Warrants" for the term ``warrant*``); ``term`` is the query's
    term or phrase that found them, as written in the query.
    """

    field: str
    start: int
    end: int
    text: str
    term: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def highlight(doc: MatchDocument, term: str, field: str, span: Span) -> Highlight:
    index = doc.field(field)
    start, end = index.char_span(span)
    return Highlight(field, start, end, index.original[start:end], term)


def select(
    highlights: Iterable[Highlight], limit: int = MAX_HIGHLIGHTS, *, nested: bool = True
) -> tuple[Highlight, ...]:
    """At most ``limit`` highlights in article order (title, text, feed): the first
    occurrence of every word before any second one, so a repeated word crowds out none.
    ``nested=False`` drops a highlight lying inside a longer one ("warrant" of ``warrant*``
    inside "arrest warrant"): what a reader sees marked."""
    ordered = sorted(set(highlights), key=_article_order)
    if not nested:
        ordered = _outermost(ordered)
    firsts: dict[str, Highlight] = {}
    for item in ordered:
        firsts.setdefault(fold(item.text), item)
    chosen = set(list(firsts.values())[:limit])
    for item in ordered:
        if len(chosen) >= limit:
            break
        chosen.add(item)
    return tuple(sorted(chosen, key=_article_order))


def matched_words(
    highlights: Iterable[Highlight], limit: int = MAX_MATCHED_WORDS
) -> tuple[str, ...]:
    """The distinct words found (case and accents aside), as the article first writes them,
    in article order."""
    words: dict[str, str] = {}
    for item in sorted(highlights, key=_article_order):
        text = normalize_whitespace(item.text)  # a phrase may span a line break
        words.setdefault(fold(text), text)
    return tuple(words.values())[:limit]


def _article_order(item: Highlight) -> tuple[int, int, int]:
    # the longest first among those starting together, so it covers the others
    return WORD_FIELDS.index(item.field), item.start, -item.end


def _outermost(ordered: list[Highlight]) -> list[Highlight]:
    kept: list[Highlight] = []
    for item in ordered:
        last = kept[-1] if kept else None
        if last is not None and last.field == item.field and item.end <= last.end:
            continue  # inside the previous one
        kept.append(item)
    return kept
