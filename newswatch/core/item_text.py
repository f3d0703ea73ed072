"""What an item is matched on when its page says little: short items are kept, not dropped.

A page can hold little text and still be news: a video page, a live blog's first entry, a
paywalled teaser under a headline like "... AT VENICE SUMMIT". Such an item is matched on its
title, the feed's summary and whatever text the page had. Only an item with none of them (no
word anywhere) is a failure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from newswatch.core.errors import ExtractionError
from newswatch.core.text import tokenize

DEFAULT_MIN_TEXT_CHARS = 200


@dataclasses.dataclass(frozen=True)
class ItemText:
    text: str  # what the item is matched on and stored with, besides its title
    short: bool  # the page text was under the minimum: the feed's summary was added


def item_text(page_text: str, *, title: str, summary: str, min_chars: int, url: str) -> ItemText:
    """The text of an item: the page's text, followed by the feed's ``summary`` when the page
    text is empty or under ``min_chars`` characters (unless the page already says it).

    Raises :class:`ExtractionError` (reason ``empty``) when title, summary and page text hold
    no word at all.
    """
    page_text = page_text.strip()
    summary = summary.strip()
    if page_text and len(page_text) >= min_chars:
        return ItemText(page_text, short=False)
    if not (tokenize(title) or tokenize(summary) or tokenize(page_text)):
        raise ExtractionError(
            f"nothing to match: no title, no feed summary and no text in the page: {url}",
            reason="empty",
        )
    if summary and " ".join(tokenize(summary)) not in " ".join(tokenize(page_text)):
        page_text = f"{page_text}\n\n{summary}" if page_text else summary
    return ItemText(page_text, short=True)


def dedup_words(
    title_words: Sequence[str], text_words: Sequence[str], *, short: bool
) -> Sequence[str]:
    """The words copies are recognised by (exact fingerprint, near-duplicate signature): the
    text's; for a short item the title's too, or every teaser saying "Subscribe to read"
    would be a copy of the first."""
    return [*title_words, *text_words] if short else text_words
