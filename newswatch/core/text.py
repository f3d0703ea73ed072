"""Text normalisation shared by matching and fingerprinting: case- and accent-insensitive,
word-boundary tokens."""

from __future__ import annotations

import re
import unicodedata

# a "word": letters, digits and marks; apostrophes and hyphens split words
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case-fold and strip accents ("Élysée" -> "elysee"), keeping every other character."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def tokenize(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Folded words with their (start, end) offsets in ``fold(text)``.

    NFKD folding can change string lengths, so offsets refer to the folded text; use
    :func:`fold` on the original to map them back for display.
    """
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(fold(text))]


def normalize_whitespace(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
