"""Text folding and tokenising: the fast paths agree with the definition, CJK characters are
tokens of their own, and folded offsets map back to the original text."""

from __future__ import annotations

import itertools
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.core import text as text_module
from newswatch.core.text import (
    WORD,
    FoldedOffsets,
    beyond_bmp,
    fold,
    is_cjk,
    line_words,
    tokenize,
)

# letters that fold to several or to none, CJK, Indic, astral: where the fast paths could slip
TRICKY = [
    *"abcXYZ ßéÉﬁﬀİǅ’½Ⅻ-'.",
    "e\u0301",
    "\u0301",
    "한국",
    "习近平",
    "ｶﾞ",
    "ガ",
    "हिन्दी",
    "\U0001d400",  # mathematical bold A: folds to "A", a capital
    "\U00011000\U00011038",  # Brahmi letter and vowel sign (an astral mark)
    "\U00020000",  # a CJK extension B ideograph
    "😀",
]
texts = st.lists(st.sampled_from(TRICKY) | st.text(max_size=3), max_size=12).map("".join)


def reference_fold(text: str) -> str:
    """The definition: case-fold, decompose, drop combining characters, recompose."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(itertools.filterfalse(unicodedata.combining, decomposed))
    return unicodedata.normalize("NFC", kept)


@given(texts)
def test_fold_and_tokenize_agree_with_the_definition(text: str) -> None:
    assert fold(text) == reference_fold(text)
    assert tokenize(text) == WORD.findall(reference_fold(text))


# line breaks among them: the lines of a text, folded once, are the lines folded one by one
lined = st.lists(
    st.sampled_from([*TRICKY, "\n", "\r\n", "\r", "\u2028", "\x85", "\x0c", " ", "Word"])
    | st.text(max_size=3),
    max_size=16,
).map("".join)


@given(lined)
def test_line_words_are_each_lines_tokens(text: str) -> None:
    each = [" ".join(tokenize(line)) for line in text.splitlines()]
    assert list(line_words(text)) == [words for words in each if words]


def test_characters_beyond_the_bmp_are_told_apart() -> None:
    assert not beyond_bmp("")
    assert not beyond_bmp("abc ßé 习近平 \uffff")
    assert not beyond_bmp("a lone surrogate \ud800")
    assert beyond_bmp("\U0001d400")
    assert beyond_bmp("text then 😀")


@given(texts)
def test_folded_offsets_map_every_token_back_to_its_original_words(text: str) -> None:
    offsets = FoldedOffsets(text)
    for match in WORD.finditer(fold(text)):
        start, end = offsets.start(match.start()), offsets.end(match.end())
        assert 0 <= start <= end <= len(text)
        if any(len(WORD.findall(fold(c))) > 1 for c in text):
            continue  # one character that folds to two words ("¼"): both map to it
        if any("\u1100" <= c <= "\u11ff" for c in text):
            continue  # decomposed Hangul composes across characters: mapped as a whole run
        assert tokenize(text[start:end]) == [match.group()]


# characters folding into a jamo that composes with the one beside it, and lone surrogates
JAMO = ["\u3131", "\u314f", "\uffa1", "\uffc2", "\u1100", "\u1161", "\u11a8", "\ud800"]


@settings(max_examples=500)
@given(st.lists(st.sampled_from([*TRICKY, *JAMO, *JAMO]), max_size=8).map("".join))
def test_folded_offsets_of_text_keeping_them_are_found_as_run_by_run(text: str) -> None:
    """A text whose characters each fold to one character wherever they stand is told at
    once: the same irregular segments as working out its runs of non-ASCII characters one
    by one (none)."""
    expected = (
        []
        if text.isascii()
        else [
            segments
            for run in re.findall(r"[^\x00-\x7f]+", text)
            if (segments := text_module._segments_of(run)[0])
        ]
    )
    assert FoldedOffsets(text).keeps_offsets() == (not expected)


@settings(max_examples=500)
@given(st.lists(st.sampled_from([*TRICKY, *JAMO, " ", "a"]), max_size=16).map("".join))
def test_the_runs_worked_out_are_the_whole_runs_holding_an_odd_character(text: str) -> None:
    """FoldedOffsets works out only the runs of non-ASCII characters holding a character that
    does not fold alone: each such run once, whole, in order, however many it holds."""
    odd = [c for c in set(text) if not c.isascii() and not text_module._folds_alone(c)]
    expected = [
        run.span()
        for run in re.finditer(r"[^\x00-\x7f]+", text)
        if any(c in odd for c in run.group())
    ]
    assert text_module._odd_runs(text, odd) == expected


def test_folding_examples() -> None:
    assert fold("Élysée STRASSE Straße ﬁnal") == "elysee strasse strasse final"
    assert tokenize("Jean-Luc's U.S. trip") == ["jean", "luc", "s", "u", "s", "trip"]
    # vowel signs stay inside words (the virama is folded away like an accent)
    assert tokenize("शुरुआत हिन्दी") == [fold("शुरुआत"), fold("हिन्दी")]
    assert len(tokenize("शुरुआत हिन्दी")) == 2


def test_cjk_characters_are_tokens_of_their_own() -> None:
    assert tokenize("习近平会见普京") == ["习", "近", "平", "会", "见", "普", "京"]
    # the kana voicing mark is folded away like an accent, on both sides of a match
    assert tokenize("岸田首相がソウルを訪問") == list("岸田首相かソウルを訪問")
    assert tokenize("서울에서 정상회담") == ["서", "울", "에", "서", "정", "상", "회", "담"]
    # Latin words next to CJK stay whole; half-width kana fold to full width
    assert tokenize("iPhone手机") == ["iphone", "手", "机"]
    assert tokenize("ｿｳﾙ") == ["ソ", "ウ", "ル"]
    assert is_cjk("习") and is_cjk("ソ") and is_cjk("한") and not is_cjk("a")


def test_offsets_examples() -> None:
    text = "Straße ﬁnal Élysée"
    offsets = FoldedOffsets(text)
    spans = [(offsets.start(m.start()), offsets.end(m.end())) for m in WORD.finditer(fold(text))]
    assert [text[a:b] for a, b in spans] == ["Straße", "ﬁnal", "Élysée"]
    decomposed = "Ele\u0301e"
    (match,) = WORD.finditer(fold(decomposed))
    assert decomposed[FoldedOffsets(decomposed).start(0) : FoldedOffsets(decomposed).end(4)] == (
        decomposed
    )
    assert match.group() == "elee"
