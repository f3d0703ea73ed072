"""Language tags: the one reader of the language a page declares, and the two-letter codes
that topics and articles are compared by."""

from __future__ import annotations

import re

# how far into a page to look for the language it declares (as far as the charset's <meta>
# prescan: a page states both in its <head>)
DECLARED_LANGUAGE_CHARS = 8192

_SEPARATOR = re.compile(r"[-_]")
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.I)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_TAG = r"""\s*=\s*["']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)"""
_LANG = re.compile(r"(?<![\w:-])lang" + _TAG, re.I)  # not xml:lang, data-lang
_XML_LANG = re.compile(r"(?<![\w:-])xml:lang" + _TAG, re.I)
_CONTENT = re.compile(r"(?<![\w:-])content" + _TAG, re.I)  # not http-equiv="content-language"
_CONTENT_LANGUAGE = re.compile(r"""http-equiv\s*=\s*["']?\s*content-language\b""", re.I)
# not og:locale:alternate (another locale the site offers)
_OG_LOCALE = re.compile(r"""property\s*=\s*["']?\s*og:locale(?![\w:-])""", re.I)


def language_code(code: str) -> str:
    """The two-letter code of a language tag: "en-US" -> "en", "pt_BR" -> "pt"; a tag whose
    primary subtag is not two letters ("fil", "") gives ""."""
    primary = _SEPARATOR.split(code.strip().lower(), maxsplit=1)[0]
    return primary if len(primary) == 2 and primary.isascii() and primary.isalpha() else ""


def declared_language(html: str) -> str:
    """The language tag a page declares near its top, whole, lower case, "-" between subtags
    ("pt-br", "zh-hant-tw"; "" when none). In order: the ``lang`` of ``<html>``, its
    ``xml:lang``, the first language of a ``<meta http-equiv="content-language">``, an
    ``og:locale`` ("de_DE" -> "de-de").

    The charset's locale default needs the whole tag (``zh-Hant``, ``az-Latn``); comparing
    languages, :func:`language_code` reduces it. A page still undecoded is passed as its
    bytes read as latin-1 (a tag is ASCII)."""
    head = html[:DECLARED_LANGUAGE_CHARS]
    root = _HTML_TAG.search(head)
    match = root and (_LANG.search(root.group(0)) or _XML_LANG.search(root.group(0)))
    if not match:
        metas = [meta.group(0) for meta in _META_TAG.finditer(head)]
        match = _meta_content(metas, _CONTENT_LANGUAGE) or _meta_content(metas, _OG_LOCALE)
    return match.group(1).lower().replace("_", "-") if match else ""


def _meta_content(metas: list[str], kind: re.Pattern[str]) -> re.Match[str] | None:
    """The language in the ``content`` of the first of ``metas`` that ``kind`` matches."""
    meta = next((meta for meta in metas if kind.search(meta)), None)
    return _CONTENT.search(meta) if meta is not None else None
