"""Stable hashes for exact-duplicate detection.

The text fingerprint hashes the folded words of the text (see :mod:`newswatch.core.text`), so
two copies of an article that differ only in whitespace, case, accents or punctuation share
one fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from newswatch.core.models import short_hash
from newswatch.core.text import tokenize

URL_KEY_LENGTH = 24  # 96 bits: collisions are not a concern at any realistic scale


def text_fingerprint(text: str) -> str:
    """sha256 hex of the text's normalised words joined by single spaces."""
    return words_fingerprint(tokenize(text))


def words_fingerprint(words: Sequence[str]) -> str:
    """The fingerprint of already tokenised text (the words :func:`tokenize` gives), so a
    caller that tokenised the text for matching need not do it twice."""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def url_key(canonical_url: str) -> str:
    """A short ``[0-9a-f]`` key for a canonical URL (for Redis keys)."""
    return short_hash("url", canonical_url, length=URL_KEY_LENGTH)
