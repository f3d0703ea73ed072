"""make_snippet: an excerpt of the original text around the strongest hit, with marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.core.query import Highlight, MatchDocument, TopicMatcher, TopicSpec
from newswatch.core.snippet import ELLIPSIS, Snippet, Snippets, make_snippet
from newswatch.core.text import normalize_whitespace

WORDS = " ".join(f"word{i}" for i in range(200))


def found(text: str, query: str) -> tuple[Highlight, ...]:
    """The highlights the matcher reports for ``query`` on ``text``."""
    (match,) = TopicMatcher([TopicSpec("t", query)]).match(MatchDocument.build(text=text))
    return match.highlights


def snippet_for(text: str, query: str, width: int = 240) -> Snippet:
    return make_snippet(text, found(text, query), width=width)


def marked_words(snippet: Snippet) -> list[str]:
    return [snippet.text[a:b] for a, b in snippet.marks]


def test_short_text_is_returned_whole_with_whitespace_collapsed_and_marked() -> None:
    snippet = snippet_for("  Putin\n\n meets   Xi\t", "Xi")
    assert snippet == Snippet("Putin meets Xi", ((12, 14),))
    assert snippet.marked() == "Putin meets **Xi**"
    assert make_snippet("", ()) == Snippet("")


def test_window_surrounds_the_hit_and_cuts_on_words() -> None:
    text = WORDS.replace("word100", "Élysée", 1)
    snippet = snippet_for(text, "elysee", width=60)
    assert marked_words(snippet) == ["Élysée"]  # the original spelling, not the folded one
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    inner = snippet.text.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
    assert 40 <= len(inner) <= 60  # roughly the width, less at most a word at each end
    assert all(piece in text.split() for piece in inner.split())
    middle = inner.index("Élysée") + len("Élysée") / 2
    assert abs(middle - len(inner) / 2) < 10


def test_the_window_goes_where_the_rarest_found_words_cluster() -> None:
    # "said" is everywhere in news, "Zelensky" and "Kyiv" are not: the snippet shows them
    text = WORDS.replace("word20", "said").replace("word150", "Zelensky").replace("word155", "Kyiv")
    snippet = snippet_for(text, "said OR Zelensky OR Kyiv", width=80)
    assert marked_words(snippet) == ["Zelensky", "Kyiv"]
    # two distinct rare words beat one repeated
    text = WORDS.replace("word30", "Kyiv").replace("word32", "Kyiv").replace("word120", "Kyiv")
    text = text.replace("word124", "Zelensky")
    assert marked_words(snippet_for(text, "Kyiv OR Zelensky", width=60)) == ["Kyiv", "Zelensky"]


def test_the_earliest_hit_wins_among_equals() -> None:
    text = WORDS.replace("word150", "Putin").replace("word40", "Putin")
    snippet = snippet_for(text, "Putin", width=50)
    assert "word40" in snippet.text.replace("Putin", "word40") and "word150" not in snippet.text
    assert "word41" in snippet.text


def test_phrases_are_marked_whole_and_marks_follow_collapsed_whitespace() -> None:
    text = WORDS.replace("word120", "arrest \n\n  WARRANTS")
    snippet = snippet_for(text, '"arrest warr*"', width=60)
    assert marked_words(snippet) == ["arrest WARRANTS"]


def test_nothing_in_the_text_gives_the_start_of_the_text() -> None:
    title_only = Highlight("title", 0, 5, "Putin", "Putin")
    snippet = make_snippet(WORDS, [title_only], width=50)
    assert snippet.text.startswith("word0 word1 ") and snippet.text.endswith(ELLIPSIS)
    assert snippet.marks == ()
    assert len(snippet.text) <= 51


def test_hit_at_the_end_keeps_a_full_window_before_it() -> None:
    snippet = snippet_for(WORDS + " Putin", "Putin", width=50)
    assert snippet.text.endswith("Putin") and snippet.text.startswith(ELLIPSIS)
    assert len(snippet.text) > 40


def test_offsets_survive_characters_that_fold_to_several() -> None:
    # "ß" folds to "ss" and "ﬁ" to "fi": offsets in the folded text differ from the original
    text = "Straße " * 40 + "ﬁnal Élysée statement " + "Straße " * 40
    snippet = snippet_for(text, '"elysee statement"', width=40)
    assert marked_words(snippet) == ["Élysée statement"]


@pytest.mark.parametrize("width", [1, 5, 20])
def test_tiny_widths_still_show_the_hit(width: int) -> None:
    snippet = snippet_for(WORDS.replace("word50", "Putin"), "Putin", width=width)
    assert marked_words(snippet) == ["Putin"]


def test_snippet_finds_words_with_combining_vowel_signs() -> None:
    text = "शुरुआत " * 80 + "आज हिन्दी समाचार में बड़ी खबर है। " + "अंत " * 80
    assert marked_words(snippet_for(text, "हिन्दी", width=60)) == ["हिन्दी"]


def test_highlights_outside_the_text_are_ignored() -> None:
    wrong = Highlight("text", 500, 505, "Putin", "Putin")
    assert make_snippet("short text", [wrong]) == Snippet("short text")


@pytest.mark.corpora
def test_seed_article(corpora: Path) -> None:
    raw = (corpora / "seed-article.txt").read_text("utf-8")
    snippet = snippet_for(raw, '"International Criminal Court"')
    assert marked_words(snippet) == ["International Criminal Court"]
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    assert len(snippet.text) <= 242
    inner = snippet.text.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
    assert inner in normalize_whitespace(raw)


def test_the_snippets_of_one_article_are_those_of_make_snippet_made_once() -> None:
    text = WORDS + " Putin met Xi at the summit. " + WORDS
    snippets = Snippets(text)
    one, other = found(text, "Putin AND summit"), found(text, "summit AND Putin")
    first = snippets.make(one)
    assert first == make_snippet(text, one)
    assert snippets.make(other) is first  # the same words found: the same snippet, no work
    assert snippets.make(found(text, "Xi")) == make_snippet(text, found(text, "Xi"))
