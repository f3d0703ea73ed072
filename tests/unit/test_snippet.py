"""make_snippet: an excerpt of the original text around the first matched term."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.core.snippet import ELLIPSIS, SEARCH_CHARS, make_snippet
from newswatch.core.text import normalize_whitespace

WORDS = " ".join(f"word{i}" for i in range(200))


def test_short_text_is_returned_whole_with_whitespace_collapsed() -> None:
    assert make_snippet("  Putin\n\n meets   Xi\t", ["Xi"]) == "Putin meets Xi"
    assert make_snippet("", ["Xi"]) == ""


def test_window_surrounds_the_first_occurrence_and_cuts_on_words() -> None:
    text = WORDS.replace("word100", "Élysée", 1)
    snippet = make_snippet(text, ["elysee"], width=60)
    assert "Élysée" in snippet  # the original spelling, not the folded one
    assert snippet.startswith(ELLIPSIS) and snippet.endswith(ELLIPSIS)
    inner = snippet.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
    assert len(inner) <= 60
    assert len(inner) >= 40  # roughly the width, less at most a word at each end
    # every piece is a whole word of the text
    assert all(piece in text.split() for piece in inner.split())
    # the hit sits around the middle
    middle = inner.index("Élysée") + len("Élysée") / 2
    assert abs(middle - len(inner) / 2) < 10


def test_earliest_occurrence_of_any_term_wins() -> None:
    text = WORDS.replace("word150", "Putin").replace("word40", "Kremlin")
    snippet = make_snippet(text, ["Putin", "kremlin"], width=50)
    assert "Kremlin" in snippet and "Putin" not in snippet


def test_phrases_and_wildcards_are_found_on_word_boundaries() -> None:
    text = WORDS.replace("word20", "warrior").replace("word120", "arrest WARRANTS")
    assert "arrest WARRANTS" in make_snippet(text, ["arrest warr*"], width=40)
    assert "warrior" in make_snippet(text, ["warr*"], width=40)  # the earliest prefix hit
    # "war" is not found inside "warrior" or "WARRANTS": the text starts the snippet
    assert make_snippet(text, ["war"], width=40).startswith("word0 ")


def test_nothing_found_gives_the_start_of_the_text() -> None:
    snippet = make_snippet(WORDS, ["Zelensky"], width=50)
    assert snippet.startswith("word0 word1 ")
    assert snippet.endswith(ELLIPSIS)
    assert not snippet.startswith(ELLIPSIS)
    assert len(snippet) <= 51


def test_hit_at_the_end_keeps_a_full_window_before_it() -> None:
    text = WORDS + " Putin"
    snippet = make_snippet(text, ["Putin"], width=50)
    assert snippet.endswith("Putin")
    assert snippet.startswith(ELLIPSIS)
    assert len(snippet) > 40


def test_mapping_back_survives_characters_that_fold_to_several() -> None:
    # "ß" folds to "ss" and "ﬁ" to "fi": offsets in the folded text differ from the original
    text = "Straße " * 40 + "ﬁnal Élysée statement " + "Straße " * 40
    snippet = make_snippet(text, ["elysee statement"], width=40)
    assert "Élysée statement" in snippet


def test_seed_article(corpora: Path) -> None:
    raw = (corpora / "seed-article.txt").read_text("utf-8")
    snippet = make_snippet(raw, ["International Criminal Court"])
    assert "International Criminal Court" in snippet
    assert snippet.startswith(ELLIPSIS) and snippet.endswith(ELLIPSIS)
    assert len(snippet) <= 242
    assert snippet.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS) in normalize_whitespace(raw)


@pytest.mark.parametrize("width", [1, 5, 20])
def test_tiny_widths_still_show_the_hit(width: int) -> None:
    assert "Putin" in make_snippet(WORDS.replace("word50", "Putin"), ["Putin"], width=width)


def test_snippet_finds_words_with_combining_vowel_signs() -> None:
    text = "शुरुआत " * 80 + "आज हिन्दी समाचार में बड़ी खबर है। " + "अंत " * 80
    snippet = make_snippet(text, ["हिन्दी"], width=60)
    assert "हिन्दी" in snippet


def test_only_the_start_of_a_huge_text_is_searched() -> None:
    """Folding maps every character one by one (about 3 s for a 5 MB page, for each topic
    that matched); like Lucene's highlighter (maxAnalyzedChars) the search stops early."""
    filler = "lorem ipsum " * (SEARCH_CHARS // 12 + 1)
    assert "Putin" in make_snippet("x " * 100 + "Putin " + filler, ["Putin"], width=60)
    snippet = make_snippet(filler + " Putin", ["Putin"], width=60)
    assert snippet.startswith("lorem ipsum") and "Putin" not in snippet
