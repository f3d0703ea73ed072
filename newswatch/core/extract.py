"""HTML page -> main text and metadata, with trafilatura.

Pure: the page arrives as bytes (or text) and leaves as an :class:`Extracted` value. A page
that cannot hold an article raises :class:`ExtractionError` with a ``reason`` safe for a
metric label: ``too_large``, ``not_html`` or ``parse_error``. A page with little or no text is
not an error here (see :mod:`newswatch.core.item_text`).

We decode the bytes ourselves (:mod:`newswatch.core.charset`) and hand trafilatura a ``str``,
so its own decompression and charset guessing never run on untrusted bytes. The page is parsed
once: our light metadata reader (:mod:`newswatch.core.page_meta`) and the text extraction
(:mod:`newswatch.core.main_text`) share the tree; ``with_metadata=False`` skips trafilatura's
heavy metadata heuristics unless the page declares too little (``metadata_fallback``).
"""

from __future__ import annotations

import dataclasses
import re
from itertools import islice

from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata

from newswatch.core.charset import decode_page
from newswatch.core.errors import ExtractionError
from newswatch.core.extract_limits import MAX_ELEMENTS
from newswatch.core.html_tree import parse_html
from newswatch.core.language import declared_language, language_code
from newswatch.core.link_lists import drop_link_lists
from newswatch.core.main_text import main_text
from newswatch.core.page_meta import PageMeta, read_page_metadata

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# how far into a page to look for the root tag
_HEAD_BYTES = 8192

# binary formats recognised by their first bytes
_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x28\xb5")
_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|title|meta|p|div|article|main|section|span|h[1-6]|br"
    r"|ul|ol|li|table|a|em|strong|b|i|blockquote|figure|img)[\s>/]",
    re.I,
)
# a comment body cannot run past its own "-->": with ".*?" each of n comments could also
# swallow the next ones, and a page opening with 30 comments backtracked for hours
_FEED_ROOT = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:[^-]|-(?!->))*-->\s*)*<(?:rss|feed|rdf:rdf)[\s>]", re.I
)
_DOCUMENT_TAG = re.compile(r"<(?:html|body)[\s>]", re.I)


@dataclasses.dataclass(frozen=True)
class Extracted:
    """The article found in one page."""

    title: str
    author: str
    published_at: str | None  # ISO date (YYYY-MM-DD) as the page states it, else None
    language: str  # two-letter lower-case code, "" when the page does not say
    text: str
    sitename: str
    method: str = "fast"  # how the text was found (see core.main_text)
    checked: bool = False  # whether readability's text was compared (see core.main_text)


def extract_article(
    html: bytes | str,
    *,
    url: str,
    max_bytes: int,
    charset: str = "",
    metadata_fallback: bool = True,
    max_elements: int = MAX_ELEMENTS,
) -> Extracted:
    """Extract the main text and metadata of the article page ``html`` (found at ``url``);
    ``charset`` is the charset label of the response's Content-Type, if any (see
    :mod:`newswatch.core.charset`).

    The text may be short or empty (a video page, a teaser): whether that is enough is the
    caller's decision (see :mod:`newswatch.core.item_text`).

    Metadata comes from the page's standard declarations; when those lack the title or the
    date and ``metadata_fallback`` is set, trafilatura's full metadata heuristics (htmldate
    searching the page for a date, byline rules for the author) fill the gaps. They cost about
    as much as the extraction itself, so a caller that already has the date (from the feed)
    passes ``metadata_fallback=False``.

    A page of more than ``max_elements`` HTML elements is refused (see
    :data:`newswatch.core.extract_limits.MAX_ELEMENTS`).

    Raises :class:`ExtractionError` (never retryable: the same bytes fail the same way).
    """
    size = len(html) if isinstance(html, bytes) else _utf8_size(html, max_bytes)
    if size > max_bytes:
        raise ExtractionError(
            f"page is {size} bytes, over the {max_bytes} byte cap: {url}", reason="too_large"
        )
    if isinstance(html, bytes):
        _check_magic(html[:64].lstrip(), url)
        text_html = decode_page(html, charset).text
    else:
        _check_magic(html[:64].lstrip().encode("latin-1", errors="replace"), url)
        text_html = html
    _check_html(text_html, url)
    if not _DOCUMENT_TAG.search(text_html[:_HEAD_BYTES]):
        # a fragment (e.g. a feed's content:encoded): trafilatura wants a whole document
        text_html = f"<html><body><article>{text_html}</article></body></html>"

    try:
        tree = parse_html(text_html)
        if tree is None:
            raise ValueError("no HTML tree")
        _check_elements(tree, max_elements, url)
        meta = read_page_metadata(tree)
        drop_link_lists(tree)  # other stories' headlines are not the article's text
        # the trafilatura metadata fallback reads the tree after the text: else it is done
        fill = metadata_fallback and not (meta.title and meta.published_at)
        found = main_text(tree, url, keep_tree=fill)
    except ExtractionError:
        raise
    except Exception as exc:  # translate whatever lxml/trafilatura raise at the boundary
        raise ExtractionError(
            f"could not parse page {url}: {type(exc).__name__}: {exc}", reason="parse_error"
        ) from exc
    if fill:
        meta = _fill_from_trafilatura(meta, tree, url)
    return Extracted(
        title=meta.title,
        author=meta.author,
        published_at=meta.published_at,
        language=language_code(meta.language) or language_code(declared_language(text_html)),
        text=found.text,
        sitename=meta.sitename,
        method=found.method,
        checked=found.checked,
    )


def _utf8_size(text: str, max_bytes: int) -> int:
    # a character is 1-4 bytes in UTF-8: only encode when the bounds do not settle it
    if len(text) > max_bytes or len(text) * 4 <= max_bytes:
        return len(text)
    return len(text.encode("utf-8", errors="surrogatepass"))


def _check_magic(start: bytes, url: str) -> None:
    if start.startswith(_MAGIC):
        raise ExtractionError(f"page is a binary file, not HTML: {url}", reason="not_html")


def _check_html(html: str, url: str) -> None:
    head = html[:_HEAD_BYTES]
    stripped = head.lstrip()
    if "\x00" in head:
        raise ExtractionError(f"page is binary data, not HTML: {url}", reason="not_html")
    if stripped[:1] in ("{", "["):
        raise ExtractionError(f"page is JSON, not HTML: {url}", reason="not_html")
    if _FEED_ROOT.match(head):
        raise ExtractionError(f"page is an RSS/Atom feed, not HTML: {url}", reason="not_html")
    if not _HTML_TAG.search(html):
        raise ExtractionError(f"page has no HTML tags: {url}", reason="not_html")


def _check_elements(tree: HtmlElement, max_elements: int, url: str) -> None:
    if next(islice(tree.iter(), max_elements, None), None) is not None:
        raise ExtractionError(
            f"page has more than {max_elements} HTML elements, too large to extract: {url}",
            reason="too_large",
        )


def _fill_from_trafilatura(meta: PageMeta, tree: HtmlElement, url: str) -> PageMeta:
    """``meta`` with its empty fields filled by trafilatura's metadata heuristics."""
    try:
        found = extract_metadata(tree, url, None, False)
    except Exception:  # heuristics on a stranger's page: a failure leaves the fields empty
        return meta
    date = (found.date or "")[:10]
    return dataclasses.replace(
        meta,
        title=meta.title or (found.title or "").strip(),
        author=meta.author or (found.author or "").strip(),
        published_at=meta.published_at or (date if _ISO_DATE.match(date) else None),
        sitename=meta.sitename or (found.sitename or "").strip(),
    )
