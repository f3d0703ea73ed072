"""Feed bytes -> items, safely.

feedparser only ever sees ``io.BytesIO(body)``: given a string it may fetch a URL or open a
file. The feed URL travels as the ``Content-Location`` response header, which feedparser uses as
the base for relative links (and only accepts when it is an absolute http(s) URL).

Before feedparser sees the body, :func:`newswatch.core.feed_guard.guard_feed` removes entity
declarations, caps every field and bounds the number of items (feedparser expands entities,
keeps fields whole and has a quadratic author regex); the values taken from each entry are
capped again here, so an item never carries more than a few KB of title or author.

What counts as an error: a body that is empty, is an HTML page, is not XML, or is XML without
an RSS/Atom/RDF root raises :class:`FeedParseError`. A feed that is merely sloppy (feedparser's
"bozo" flag) but still yields entries is kept, with a warning; so is a real feed with no items.
"""

from __future__ import annotations

import calendar
import codecs
import dataclasses
import hashlib
import html
import io
import re
import time
import urllib.parse
import xml.sax
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from newswatch.core.charset import codec_for_label, content_type_charset
from newswatch.core.errors import FeedParseError, InvalidURLError
from newswatch.core.feed_guard import MAX_ITEMS, guard_feed
from newswatch.core.models import FeedItem, short_hash
from newswatch.core.text import normalize_whitespace
from newswatch.core.urls import canonical_url

__all__ = ["MAX_ITEMS", "ParsedFeed", "parse_feed"]

MAX_SUMMARY_CHARS = 10_000
MAX_TITLE_CHARS = 1000
MAX_AUTHOR_CHARS = 200
MAX_KEY_CHARS = 512  # longer GUIDs are replaced by their hash (keys live in Redis sets)
_SNIFF_BYTES = 2048

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_LANG = re.compile(r"[A-Za-z]{2,3}")
_XML_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml")
_DECLARED_ENCODING = re.compile(rb"<\?xml[^>]*?\sencoding\s*=", re.IGNORECASE)
_FIRST_TAG = re.compile(rb"<\s*([A-Za-z_][\w:.-]*)")
_HTML_START = re.compile(rb"<\s*(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its own title and link, its usable items, and what was odd about it
    (recovered syntax errors, skipped items, truncation), for logs and feed status.

    ``item_hashes`` identify each item as written (:func:`item_hash` of its markup), in
    document order; given back as ``known`` to the next parse, they let it read only the items
    written since. Then ``partial`` is set, ``items`` holds only those, and ``in_feed`` says
    how many the feed holds."""

    title: str
    link: str
    items: list[FeedItem]
    warnings: list[str] = dataclasses.field(default_factory=list)
    ttl: int | None = None  # seconds the feed asks to be left alone (<ttl>, sy:updatePeriod)
    item_hashes: tuple[str, ...] = ()
    partial: bool = False
    in_feed: int = 0  # items in the feed (read), whether parsed or not


def item_hash(markup: bytes) -> str:
    return hashlib.blake2b(markup, digest_size=8).hexdigest()


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    known: Collection[str] = (),
) -> ParsedFeed:
    """Parse an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom document fetched from ``url``.

    ``content_type`` is the response's Content-Type: its charset is used when the document
    itself declares no encoding (no BOM, no ``<?xml ... encoding=``); a declaration in the
    document wins, since servers often label every file with one default charset.

    ``known``: the ``item_hashes`` of an earlier parse of this feed. Items written exactly as
    then are not parsed again (feedparser reads the document without them: a feed with one
    new item among 25 costs a tenth of a full parse); when that reading does not give one
    entry per item left, the whole document is parsed instead.

    Items without a link and without content are skipped; more than :data:`MAX_ITEMS` items
    are cut; oversized fields are cut. All are reported in ``warnings``. Raises
    :class:`FeedParseError` when the body is not a feed at all.
    """
    if not body.strip():
        raise FeedParseError("not a feed: empty body")
    guarded = guard_feed(body)
    spans = guarded.item_spans
    hashes = tuple(item_hash(guarded.body[start:end]) for start, end in spans)
    fresh = [span for span, digest in zip(spans, hashes, strict=True) if digest not in known]
    if known and spans and len(fresh) < len(spans):
        first, last = spans[0][0], spans[-1][1]
        document = b"".join(
            [guarded.body[:first], *(guarded.body[a:b] for a, b in fresh), guarded.body[last:]]
        )
        try:
            parsed, entries = _read(document, body, url, content_type, guarded.warnings)
        except FeedParseError:
            entries = -1
        if entries == len(fresh):
            return dataclasses.replace(parsed, item_hashes=hashes, partial=True, in_feed=len(spans))
    parsed, _ = _read(guarded.body, body, url, content_type, guarded.warnings)
    return dataclasses.replace(parsed, item_hashes=hashes, in_feed=len(parsed.items))


def _read(
    document: bytes, body: bytes, url: str, content_type: str | None, guard_warnings: list[str]
) -> tuple[ParsedFeed, int]:
    """feedparser on the guarded ``document`` (``body``: as fetched, for error messages);
    returns the feed and how many entries feedparser found."""
    charset = _http_charset(content_type) if not _declares_encoding(document) else None
    result: Any = feedparser.parse(
        io.BytesIO(document),
        response_headers={
            "content-location": url,
            "content-type": f"application/xml; charset={charset}" if charset else "application/xml",
        },
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    # Plain dicts: FeedParserDict maps missing keys to others (updated_parsed ->
    # published_parsed) with a DeprecationWarning; we ask for exactly what we mean.
    entries: list[dict[str, Any]] = [dict(entry) for entry in result.get("entries") or []]
    version: str = result.get("version") or ""
    warnings: list[str] = list(guard_warnings)
    if result.get("bozo"):
        problem = _describe_bozo(result.get("bozo_exception"), document)
        if not entries and not version:
            raise FeedParseError(_why_not_a_feed(body, problem))
        warnings.append(f"feed is not well-formed ({problem}); kept what could be read")
    elif not entries and not version:
        raise FeedParseError(_why_not_a_feed(body, None))

    feed: dict[str, Any] = dict(result.get("feed") or {})
    feed_language = _language(feed.get("language"))
    found = len(entries)
    entries = entries[:MAX_ITEMS]  # the guard read no more; this only makes it plain

    items: list[FeedItem] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        item = _item(entry, url=url, feed_language=feed_language, number=number, warnings=warnings)
        if item is None:
            continue
        if item.key in seen:
            warnings.append(f"item {number} skipped: duplicate of an earlier item ({item.key})")
            continue
        seen.add(item.key)
        items.append(item)

    parsed = ParsedFeed(
        title=_title(feed),
        link=_link(feed.get("link"), url) or "",
        items=items,
        warnings=warnings,
        ttl=publisher_ttl(feed),
    )
    return parsed, found


_UPDATE_PERIODS = {"hourly": 3600, "daily": 86_400, "weekly": 7 * 86_400,
                   "monthly": 30 * 86_400, "yearly": 365 * 86_400}  # fmt: skip
_MAX_TTL = 365 * 86_400


def publisher_ttl(feed: Mapping[str, Any]) -> int | None:
    """Seconds between polls the feed itself asks for: RSS ``<ttl>`` (minutes), or the
    syndication module's ``sy:updatePeriod`` / ``sy:updateFrequency`` (the longer if both).
    None when absent or unreadable."""
    found = []
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isdigit() and int(ttl) > 0:
        found.append(min(int(ttl) * 60, _MAX_TTL))
    period = _UPDATE_PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period:
        frequency = str(feed.get("sy_updatefrequency") or "1").strip()
        times = int(frequency) if frequency.isdigit() and int(frequency) > 0 else 1
        found.append(max(period // times, 1))
    return max(found) if found else None


def _http_charset(content_type: str | None) -> str | None:
    """The codec of a Content-Type's charset, if it names one browsers and Python know."""
    return codec_for_label(content_type_charset(content_type))


def _declares_encoding(body: bytes) -> bool:
    """Whether the document names its own encoding: a byte-order mark or an XML declaration
    with ``encoding=``."""
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return bool(_DECLARED_ENCODING.match(body.lstrip()[:_SNIFF_BYTES]))


def _item(
    entry: Mapping[str, Any],
    *,
    url: str,
    feed_language: str,
    number: int,
    warnings: list[str],
) -> FeedItem | None:
    raw_link = entry.get("link") or ""
    link = _link(raw_link, url)
    if raw_link and link is None and not entry.get("guidislink"):
        warnings.append(f"item {number}: link {str(raw_link)[:200]!r} ignored (not http/https)")
    content_html = _content_html(entry)
    if not link and not content_html:
        warnings.append(f"item {number} skipped: no link and no content")
        return None
    title = _title(entry)
    summary = _text(str(entry.get("summary") or ""))[:MAX_SUMMARY_CHARS]
    return FeedItem(
        key=_key(entry, link, title, summary),
        url=link or "",
        title=title,
        summary=summary,
        content_html=content_html,
        published_at=_published(entry),
        author=normalize_whitespace(str(entry.get("author") or ""))[:MAX_AUTHOR_CHARS],
        language=_entry_language(entry) or feed_language,
    )


def _key(entry: Mapping[str, Any], link: str | None, title: str, summary: str) -> str:
    """The GUID/id, else the canonical link, else a hash of title and summary."""
    guid = str(entry.get("id") or "").strip()
    if guid:
        return guid if len(guid) <= MAX_KEY_CHARS else "sha:" + short_hash("guid", guid)
    if link:
        return canonical_url(link)
    return "sha:" + short_hash("item", title, summary)


def _link(raw: object, base: str) -> str | None:
    """The link resolved against ``base`` if it is a valid http(s) URL, else None. The link
    is kept as the publisher wrote it (that is what gets fetched); identity uses its
    canonical form."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        link = urllib.parse.urljoin(base, raw.strip())
        canonical_url(link)
    except (InvalidURLError, ValueError):
        return None
    return link


def _content_html(entry: Mapping[str, Any]) -> str:
    """The longest content body (content:encoded, atom:content), as HTML."""
    best = ""
    for content in entry.get("content") or []:
        value = str(content.get("value") or "").strip()
        kind = str(content.get("type") or "")
        if not value:
            continue
        if kind not in _HTML_TYPES:
            value = _plain_to_html(value)
        if len(value) > len(best):
            best = value
    return best


def _plain_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _title(node: Mapping[str, Any]) -> str:
    title = str(node.get("title") or "")
    detail = node.get("title_detail") or {}
    if detail.get("type") in _HTML_TYPES:
        return _text(title)[:MAX_TITLE_CHARS]
    return normalize_whitespace(title)[:MAX_TITLE_CHARS]


def _published(entry: Mapping[str, Any]) -> str | None:
    """ISO-8601 UTC from the published, else updated, date (feedparser gives UTC tuples)."""
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(field)
        if isinstance(parsed, time.struct_time):
            try:
                moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
            return moment.isoformat()
    return None


def _entry_language(entry: Mapping[str, Any]) -> str:
    """dc:language of the item, else the xml:lang of its content, summary or title."""
    candidates: list[object] = [entry.get("language")]
    candidates += [c.get("language") for c in entry.get("content") or []]
    for detail in ("summary_detail", "title_detail"):
        candidates.append((entry.get(detail) or {}).get("language"))
    for candidate in candidates:
        language = _language(candidate)
        if language:
            return language
    return ""


def _language(value: object) -> str:
    """The primary subtag, lower-case: "en-US" -> "en"; "" when it is not a language tag."""
    if not isinstance(value, str):
        return ""
    primary = value.strip().replace("_", "-").split("-", 1)[0]
    return primary.lower() if _LANG.fullmatch(primary) else ""


def _describe_bozo(exc: object, body: bytes) -> str:
    if isinstance(exc, xml.sax.SAXParseException):
        line = exc.getLineNumber() or 1
        if not _XML_DECLARATION.match(body):
            line = max(1, line - 1)  # feedparser put a declaration line in front of the body
        return f"XML syntax error at line {line}: {exc.getMessage()}"
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        return f"wrong character encoding declared: {exc}"
    if exc is None:
        return "unknown problem"
    return f"{type(exc).__name__}: {exc}"


def _why_not_a_feed(body: bytes, problem: str | None) -> str:
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML_START.search(head):
        return "not a feed: looks like an HTML page"
    if head[:1] in (b"{", b"["):
        return "not a feed: looks like JSON (JSON Feed is not supported)"
    if problem and problem.startswith("XML syntax error"):
        return problem
    tags = [m.group(1).decode("ascii", "replace") for m in _FIRST_TAG.finditer(head)]
    if tags:
        return f"not a feed: root element <{tags[0]}> is not RSS, Atom or RDF"
    if problem:
        return f"not a feed: {problem}"
    return "not a feed: no RSS, Atom or RDF document found"


class _TextExtractor(HTMLParser):
    """HTML -> text, dropping script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _text(fragment: str) -> str:
    if "<" not in fragment and "&" not in fragment:
        return normalize_whitespace(fragment)
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return normalize_whitespace("".join(parser.parts))
