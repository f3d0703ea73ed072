"""Language tags, reduced to the two-letter codes that topics and articles are compared by."""

from __future__ import annotations

import re

_SEPARATOR = re.compile(r"[-_]")


def language_code(code: str) -> str:
    """The two-letter code of a language tag: "en-US" -> "en", "pt_BR" -> "pt"; a tag whose
    primary subtag is not two letters ("fil", "") gives ""."""
    primary = _SEPARATOR.split(code.strip().lower(), maxsplit=1)[0]
    return primary if len(primary) == 2 and primary.isascii() and primary.isalpha() else ""
