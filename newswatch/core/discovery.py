"""Finding a site's feeds from one of its pages, as feed readers do (pure: bytes in, URLs out).

A page announces its feeds with ``<link rel="alternate" type="application/rss+xml"
href="...">`` (or ``atom+xml``, ``rdf+xml``) in its head; the ``href`` is relative to the page's
``<base href>`` when it has one, else to the page's own URL. Sites that announce nothing often
still serve a feed at one of a few usual places (:data:`USUAL_PATHS`). The fetching and the
checking that a candidate really is a feed are the caller's (newswatch.discovering).
"""

from __future__ import annotations

import dataclasses
import re
import urllib.parse
from collections.abc import Iterator

from lxml import etree

from newswatch.core.charset import content_type_charset, decode_page

# where a site without announced feeds often serves one (WordPress, Hugo, Jekyll, Ghost ...)
USUAL_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")
FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",  # RSS 1.0
}
MAX_SCAN_CHARS = 2_000_000  # feed links are in the head; a page's first 2M characters do
MAX_LINKS = 50  # feed links read from a page; one announcing more lists something else
MAX_TITLE_CHARS = 200  # a feed's name is at most this long (core.validate)
_PARSER = etree.HTMLParser(
    collect_ids=False, remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_COMMENTS = re.compile(r"(?:^|/)comments?(?:/|$)|[?&]feed=comments", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class FeedLink:
    """A feed a page announces: its absolute URL, the title the page gives it, its kind."""

    url: str
    title: str
    kind: str  # rss, atom, rdf


def _tags(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The ``<base>`` and ``<link>`` tags of the page, with their attributes (names in lower
    case). libxml2's HTML parser: linear on any input, where html.parser is quadratic on some
    (a page of unclosed ``<a`` tags)."""
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), _PARSER)
    except (etree.LxmlError, ValueError):
        return
    if root is None:
        return
    for element in root.iter("base", "link"):
        attributes = {str(k).lower(): str(v) for k, v in element.attrib.items()}
        yield str(element.tag), attributes


def clean_title(text: str) -> str:
    """A title as a feed's name: no control characters, at most MAX_TITLE_CHARS."""
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_TITLE_CHARS].strip()


def _absolute(href: str, base: str) -> str | None:
    """``href`` resolved against ``base``, when it is an http(s) URL with a host."""
    try:
        url = urllib.parse.urljoin(base, href.strip())
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urllib.parse.urlunsplit(parts._replace(fragment=""))


def _kind(link: dict[str, str]) -> str | None:
    rels = link.get("rel", "").lower().split()
    media_type = link.get("type", "").split(";", 1)[0].strip().lower()
    if "alternate" not in rels or media_type not in FEED_TYPES:
        return None
    return FEED_TYPES[media_type]


def feed_links(body: bytes, *, url: str, content_type: str | None = None) -> list[FeedLink]:
    """The feeds the HTML page ``body`` fetched from ``url`` announces, in the page's order,
    each once, with comment feeds last (a site's articles are what it is added for).
    ``content_type`` is the response's, for its charset."""
    page = decode_page(body, content_type_charset(content_type))
    base_href, links = "", list[dict[str, str]]()
    for tag, attributes in _tags(page.text[:MAX_SCAN_CHARS]):
        if tag == "base" and not base_href:
            base_href = attributes.get("href", "").strip()
        elif tag == "link" and _kind(attributes) and len(links) < MAX_LINKS:
            links.append(attributes)
    base = _absolute(base_href, url) if base_href else None
    found: dict[str, FeedLink] = {}
    for link in links:
        kind = _kind(link)
        href = link.get("href", "")
        target = _absolute(href, base or url) if kind and href.strip() else None
        if kind and target and target not in found:
            found[target] = FeedLink(target, clean_title(link.get("title", "")), kind)
    feeds = list(found.values())
    return [f for f in feeds if not is_comment_feed(f)] + [f for f in feeds if is_comment_feed(f)]


def is_comment_feed(link: FeedLink) -> bool:
    """A feed of a site's comments rather than its articles (WordPress ``/comments/feed/``)."""
    path = urllib.parse.urlsplit(link.url).path
    query = urllib.parse.urlsplit(link.url).query
    return bool(_COMMENTS.search(path) or _COMMENTS.search("?" + query)) or (
        link.title.lower().endswith("comments feed")
    )


def usual_feed_urls(url: str) -> list[str]:
    """Where the site of ``url`` may serve a feed it does not announce: :data:`USUAL_PATHS`
    at the site's root."""
    parts = urllib.parse.urlsplit(url)
    root = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return [root + path for path in USUAL_PATHS]
