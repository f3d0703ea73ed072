"""Short items: the feed's summary joins a short page text; only an item with no words fails."""

from __future__ import annotations

import pytest

from newswatch.core.errors import ExtractionError
from newswatch.core.fingerprint import words_fingerprint
from newswatch.core.item_text import ItemText, dedup_words, item_text
from newswatch.core.text import tokenize

LONG = "The summit opened with talks on trade. " * 10


def test_enough_page_text_is_kept_alone() -> None:
    got = item_text(LONG, title="t", summary="A summary.", min_chars=200, url="u")
    assert (got.text, got.short) == (LONG.strip(), False)


def test_a_short_text_gets_the_feed_summary() -> None:
    got = item_text(
        " Teaser. ", title="AT VENICE SUMMIT", summary="Leaders meet.", min_chars=200, url="u"
    )
    assert (got.text, got.short) == ("Teaser.\n\nLeaders meet.", True)
    # no page text at all: the summary is the text
    got = item_text("", title="", summary="Leaders meet.", min_chars=200, url="u")
    assert (got.text, got.short) == ("Leaders meet.", True)
    # the page already says what the summary says (e.g. the page is the feed's own text)
    got = item_text(
        "Leaders  MEET, today.", title="", summary="leaders meet", min_chars=200, url="u"
    )
    assert got.text == "Leaders  MEET, today."
    # a minimum of 0 keeps every page text as it is
    assert item_text("Teaser.", title="t", summary="s", min_chars=0, url="u") == ItemText(
        "Teaser.", short=False
    )
    with pytest.raises(ExtractionError):
        item_text("", title="", summary="", min_chars=0, url="u")


def test_a_title_alone_is_enough() -> None:
    got = item_text("", title="LEADERS GATHER AT VENICE SUMMIT", summary="", min_chars=200, url="u")
    assert (got.text, got.short) == ("", True)


@pytest.mark.parametrize("title", ["", " ", "—"])
def test_no_words_anywhere_is_empty(title: str) -> None:
    with pytest.raises(ExtractionError) as info:
        item_text(" \n", title=title, summary=" ", min_chars=200, url="https://ex.com/x")
    assert info.value.reason == "empty"
    assert "https://ex.com/x" in info.value.message
    assert info.value.retryable is False


def test_short_items_fingerprint_their_title_too() -> None:
    teaser = tokenize("Subscribe to read the full story.")
    one = dedup_words(tokenize("G7 meets"), teaser, short=True)
    two = dedup_words(tokenize("G20 meets"), teaser, short=True)
    assert words_fingerprint(one) != words_fingerprint(two)
    # a full article's words are its text's alone: copies under other titles are one story
    assert dedup_words(tokenize("a"), teaser, short=False) == teaser
