"""Text normalisation shared by matching and fingerprinting: case- and accent-insensitive,
word-boundary tokens."""

from __future__ import annotations

import itertools
import re
import unicodedata


def _combining_marks() -> str:
    """A character-class body with every combining mark (Unicode categories Mn, Mc, Me).

    Python's ``\\w`` leaves marks out, so without them a Devanagari or Bengali word breaks
    at every vowel sign. Marks all sit between U+0300 and U+1EFFF, plus the variation
    selectors supplement; scanning that range costs about 15 ms once per process.
    """
    runs: list[tuple[int, int]] = []
    for code in range(0x0300, 0x1F000):
        if unicodedata.category(chr(code))[0] == "M":
            if runs and runs[-1][1] == code - 1:
                runs[-1] = (runs[-1][0], code)
            else:
                runs.append((code, code))
    runs.append((0xE0100, 0xE01EF))
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs)


MARKS = _combining_marks()
# Chinese and Japanese write no spaces between words, so a run of ideographs or kana would be
# one "word" as long as the sentence and no term could match inside it. Each such character is
# a word of its own: a query term in these scripts becomes a phrase of characters, matched as
# consecutive tokens (the unigram approach of Lucene's CJK tokenisers, without a dictionary).
# Hangul is left alone: Korean separates words with spaces.
CJK = (
    "\u3005\u3006"  # 々 〆
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uff66-\uff9f"  # half-width katakana
)
# a "word": letters and digits, with the combining marks inside it (vowel signs, viramas);
# apostrophes and hyphens split words; one CJK character is a word
WORD = re.compile(rf"[{CJK}]|[^\W_{CJK}]+(?:[{MARKS}]+[^\W_{CJK}]*)*")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case-fold and strip accents ("Élysée" -> "elysee"), keeping every other character."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(itertools.filterfalse(unicodedata.combining, decomposed))
    return unicodedata.normalize("NFC", stripped)


def tokenize(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return WORD.findall(fold(text))


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Folded words with their (start, end) offsets in ``fold(text)``.

    NFKD folding can change string lengths, so offsets refer to the folded text; use
    :func:`fold` on the original to map them back for display.
    """
    return [(m.group(0), m.start(), m.end()) for m in WORD.finditer(fold(text))]


def normalize_whitespace(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
