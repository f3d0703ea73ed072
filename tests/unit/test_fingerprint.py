from __future__ import annotations

import hashlib
import re

from newswatch.core.fingerprint import text_fingerprint, url_key


def test_fingerprint_is_sha256_of_normalised_words() -> None:
    expected = hashlib.sha256(b"putin and xi meet in moscow").hexdigest()
    assert text_fingerprint("Putin and Xi meet in Moscow.") == expected


def test_fingerprint_ignores_whitespace_case_accents_and_punctuation() -> None:
    a = text_fingerprint("Élysée Palace: the talks — resumed!\n\nNext week.")
    b = text_fingerprint("  elysee   PALACE the talks resumed next-week ")
    assert a == b


def test_fingerprint_changes_with_words() -> None:
    assert text_fingerprint("the talks resumed") != text_fingerprint("the talks stalled")
    assert text_fingerprint("talks resumed") != text_fingerprint("resumed talks")


def test_url_key_is_short_stable_and_distinct() -> None:
    key = url_key("https://example.com/a")
    assert re.fullmatch(r"[0-9a-f]{24}", key)
    assert key == url_key("https://example.com/a")
    assert key != url_key("https://example.com/b")
