"""OPML, the feed readers' exchange format: what an imported list's entries become, and the
OPML 2.0 document an export writes (http://opml.org/spec2.opml). Reading the XML is
listparser's (newswatch.opml); this is the pure part.

A feed's name comes from its outline's title. Feeds carry no folders here, so an outline's
category only serves to tell apart two feeds a list gives the same title (``World / Europe``
and ``Sport / Europe``).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree

from newswatch.core.catalog import Feed
from newswatch.core.validate import MAX_FEED_NAME_CHARS

SPEC = "http://opml.org/spec2.opml"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


@dataclasses.dataclass(frozen=True)
class OpmlEntry:
    """One subscription of an OPML list, as read."""

    number: int  # 1-based, in document order (for messages)
    url: str
    title: str
    categories: tuple[tuple[str, ...], ...] = ()  # folder paths, outermost first

    def label(self) -> str:
        """``entry 3 ("Title")``: how messages name the entry."""
        return f"entry {self.number}" + (f" ({self.title!r})" if self.title else "")


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def _name(entry: OpmlEntry, shared: bool) -> str:
    title = _clean(entry.title)
    if not title or title == entry.url:
        return ""
    folder = ""
    if shared and entry.categories:
        folder = " / ".join(_clean(c) for c in entry.categories[0] if _clean(c))
    if folder:
        title = f"{folder} / {title}"
    return title[:MAX_FEED_NAME_CHARS].strip()


def feed_inputs(entries: Sequence[OpmlEntry]) -> list[tuple[OpmlEntry, dict[str, Any]]]:
    """Each entry with the fields of the feed it becomes (for the catalogue's validation):
    its URL as written, its title as the name (with its folder when another entry has the same
    title)."""
    titles = Counter(_clean(e.title) for e in entries if _clean(e.title))
    inputs = []
    for entry in entries:
        raw: dict[str, Any] = {"url": entry.url}
        name = _name(entry, titles[_clean(entry.title)] > 1)
        if name:
            raw["name"] = name
        inputs.append((entry, raw))
    return inputs


def export_opml(feeds: Sequence[Feed], *, title: str, created: str) -> bytes:
    """An OPML 2.0 document listing ``feeds``: one ``<outline type="rss">`` each, with
    ``text`` (required by the spec: the name, else the URL), ``title`` when named, and
    ``xmlUrl``. ``created`` is the RFC 822 date of ``<dateCreated>``."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = created
    ElementTree.SubElement(head, "docs").text = SPEC
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.display_name}
        if feed.name:
            attributes["title"] = feed.name
        attributes["xmlUrl"] = feed.url
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
