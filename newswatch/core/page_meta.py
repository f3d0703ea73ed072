"""The few metadata fields newswatch needs, read straight from a parsed page.

trafilatura's own metadata extraction (htmldate heuristics, author and category rules) costs
about as much as the text extraction itself; the feed usually already says the title, date and
author. So we read only the standard declarations (Open Graph, article:*, <meta name>, <time>,
<title>, <h1>, lang), in that order, and let the feed's values win where it has them. One pass
over the <meta> elements collects every declaration (an XPath per field scanned the whole tree
a dozen times).
"""

from __future__ import annotations

import dataclasses
import re

from lxml.html import HtmlElement

_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_MAX_FIELD = 500  # a stranger's page can put anything in a <meta>; keep fields short
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# <meta> declarations by (attribute, value), in order of preference per field
_TITLE = (("property", "og:title"), ("name", "twitter:title"))
_AUTHOR = (("name", "author"), ("property", "article:author"))
_DATE_KEYS = (
    ("property", "article:published_time"),
    ("name", "date"),
    ("name", "pubdate"),
    ("name", "publish-date"),
    ("itemprop", "datepublished"),
)
_SITENAME = (("property", "og:site_name"),)
_LANGUAGE = (("http-equiv", "content-language"), ("property", "og:locale"))
_WANTED = {key for group in (_TITLE, _AUTHOR, _DATE_KEYS, _SITENAME, _LANGUAGE) for key in group}


@dataclasses.dataclass(frozen=True)
class PageMeta:
    title: str = ""
    author: str = ""
    published_at: str | None = None  # YYYY-MM-DD as the page declares it
    sitename: str = ""
    language: str = ""  # as declared, e.g. "en-GB"; not yet reduced to two letters


def _clean(value: object) -> str:
    return " ".join(str(value).split())[:_MAX_FIELD] if value is not None else ""


def _declarations(tree: HtmlElement) -> dict[tuple[str, str], str]:
    """The first non-empty content of every wanted <meta>, by (attribute, lower-case value)."""
    found: dict[tuple[str, str], str] = {}
    for meta in tree.iter("meta"):
        content = _clean(meta.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            value = meta.get(attribute)
            if value:
                key = (attribute, value.strip().lower())
                if key in _WANTED:
                    found.setdefault(key, content)
    return found


def _first(found: dict[tuple[str, str], str], keys: tuple[tuple[str, str], ...]) -> str:
    return next((found[key] for key in keys if key in found), "")


def _first_text(tree: HtmlElement, tag: str) -> str:
    for element in tree.iter(tag):
        text = _clean(element.text_content())
        if text:
            return text
    return ""


def _time_datetime(tree: HtmlElement) -> str:
    return next((_clean(t.get("datetime")) for t in tree.iter("time") if t.get("datetime")), "")


def read_page_metadata(tree: HtmlElement) -> PageMeta:
    found = _declarations(tree)
    date = _DATE.match(_first(found, _DATE_KEYS) or _time_datetime(tree))
    head = tree.find("head")
    root = tree.getroottree().getroot()
    return PageMeta(
        title=_first(found, _TITLE)
        or (_first_text(head, "title") if head is not None else "")
        or _first_text(tree, "h1"),
        author=_first(found, _AUTHOR),
        published_at=date.group(1) if date else None,
        sitename=_first(found, _SITENAME),
        language=_clean(root.get("lang") or root.get(_XML_LANG)) or _first(found, _LANGUAGE),
    )
