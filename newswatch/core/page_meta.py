"""The few metadata fields newswatch needs, read straight from a parsed page.

trafilatura's own metadata extraction (htmldate heuristics, author and category rules) costs
about as much as the text extraction itself; the feed usually already says the title, date and
author. So we read only the standard declarations (Open Graph, article:*, <meta name>, <time>,
<title>, <h1>, lang), in that order, and let the feed's values win where it has them.
"""

from __future__ import annotations

import dataclasses
import re

from lxml.html import HtmlElement

_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_MAX_FIELD = 500  # a stranger's page can put anything in a <meta>; keep fields short


@dataclasses.dataclass(frozen=True)
class PageMeta:
    title: str = ""
    author: str = ""
    published_at: str | None = None  # YYYY-MM-DD as the page declares it
    sitename: str = ""
    language: str = ""  # as declared, e.g. "en-GB"; not yet reduced to two letters


def _first(tree: HtmlElement, *paths: str) -> str:
    for path in paths:
        for value in tree.xpath(path):
            text = " ".join(str(value).split())
            if text:
                return text[:_MAX_FIELD]
    return ""


def read_page_metadata(tree: HtmlElement) -> PageMeta:
    date = _DATE.match(
        _first(
            tree,
            '//meta[@property="article:published_time"]/@content',
            '//meta[@name="date" or @name="pubdate" or @name="publish-date"]/@content',
            '//meta[@itemprop="datePublished"]/@content',
            "//time/@datetime",
        )
    )
    return PageMeta(
        title=_first(
            tree,
            '//meta[@property="og:title"]/@content',
            '//meta[@name="twitter:title"]/@content',
            "//head/title/text()",
            "//h1//text()",
        ),
        author=_first(
            tree,
            '//meta[@name="author"]/@content',
            '//meta[@property="article:author"]/@content',
        ),
        published_at=date.group(1) if date else None,
        sitename=_first(tree, '//meta[@property="og:site_name"]/@content'),
        language=_first(tree, "/html/@lang", "/html/@xml:lang")
        or _first(
            tree,
            '//meta[@http-equiv="content-language" or @http-equiv="Content-Language"]/@content',
            '//meta[@property="og:locale"]/@content',
        ),
    )
