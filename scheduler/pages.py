"""The HTML a worker gets for an item: the fetched article page, or the feed's own text wrapped
in a minimal document when the feed carries the full article (or the feed says not to fetch)."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from newswatch.core.models import FeedItem

FULL_TEXT_MIN_CHARS = 1000  # visible characters of content:encoded that count as "full text"
_HTML_TYPES = ("html", "xml")  # text/html, application/xhtml+xml


class _TextLength(HTMLParser):
    """Counts visible characters (outside script/style), stopping once past a limit."""

    def __init__(self, limit: int):
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.count = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and self.count <= self.limit:
            self.count += len(" ".join(data.split()))


def visible_text_length(fragment: str, limit: int = FULL_TEXT_MIN_CHARS) -> int:
    """Visible characters in an HTML fragment (counting stops a little past ``limit``)."""
    parser = _TextLength(limit)
    parser.feed(fragment)
    parser.close()
    return parser.count


def carries_full_text(item: FeedItem, min_chars: int = FULL_TEXT_MIN_CHARS) -> bool:
    """True when the feed entry holds the whole article, so its page need not be fetched."""
    return bool(item.content_html) and visible_text_length(item.content_html, min_chars) > min_chars


def feed_item_html(item: FeedItem) -> bytes:
    """The entry's own text (its content HTML, else its plain-text summary) as a small HTML
    document, UTF-8."""
    title = html.escape(item.title)
    body = item.content_html or (f"<p>{html.escape(item.summary)}</p>" if item.summary else "")
    lang = f' lang="{html.escape(item.language)}"' if item.language else ""
    document = (
        f'<!DOCTYPE html>\n<html{lang}><head><meta charset="utf-8"><title>{title}</title>'
        "</head>\n<body><article>\n"
        f"<h1>{title}</h1>\n{body}\n</article></body></html>\n"
    )
    return document.encode("utf-8")


def is_html(content_type: str | None) -> bool:
    """Whether a response's Content-Type can hold an article page (missing counts as yes:
    the worker will judge the bytes)."""
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return any(kind in media for kind in _HTML_TYPES) or media == "text/plain"
