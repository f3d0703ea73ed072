"""Make a feed document safe to hand to feedparser, in one linear pass over its bytes.

feedparser trusts what it reads: it expands the entities a document declares (a 115 KB feed
declaring a 100 KB entity used 5,000 times took 43 s and 1.5 GB), runs a quadratic e-mail
regex over every author string (two 64 KB authors froze a scheduler for 90 s), and keeps every
field and entry whole (a 5 MB title went into every alert; 50,000 entries took 51 s). So before
feedparser sees a document, :func:`guard_feed`:

- removes the document type declaration's internal subset (where entities are declared): no
  entity the document declares is ever expanded (references to them stay as written);
- drops comments (keeping their line breaks, so error lines stay true);
- caps the text of every field of the channel and of each item (a field is a child element of
  ``channel``/``feed``/``item``/``entry``; its text includes that of nested elements), cutting
  at a character and entity boundary, with tighter caps where feedparser is slow (authors,
  dates); a field's markup and text together never exceed :data:`FIELD_TOTAL_BYTES` or its
  text cap, whichever is larger;
- reads at most :data:`MAX_ITEMS` items, and per item or channel at most
  :data:`MAX_REPEATS` fields of one name and :data:`MAX_FIELDS` fields in all;
- refuses a document nested deeper than :data:`MAX_DEPTH`;
- reports where each item it read starts and ends in its output (``item_spans``), so a caller
  can hand feedparser only some of the items (:func:`newswatch.core.feed.parse_feed`).

It tokenises with ``bytes.find`` only (no regex that can backtrack), so its cost is linear in
the document. UTF-16/32 documents are converted to UTF-8 first, so the caps see real tags.
What it changed is reported as warnings. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import codecs
import dataclasses
import itertools
import re

from newswatch.core.errors import FeedParseError

MAX_ITEMS = 1000  # items read per feed (feeds list newest first); the rest are not parsed
MAX_FIELDS = 1024  # child elements read per item or channel
MAX_REPEATS = 256  # child elements of one name read per item or channel (categories, media)
MAX_DEPTH = 256  # element nesting refused beyond this
DEFAULT_FIELD_BYTES = 4096  # text of titles, links, GUIDs and every field not listed below
FIELD_TOTAL_BYTES = 16384  # markup and text of a field whose text cap is smaller
FIELD_BYTES = {
    # full text and summaries (HTML, often the whole article)
    **dict.fromkeys(("encoded", "content", "description", "summary", "body", "fulltext"), 1 << 20),
    # feedparser runs a quadratic e-mail regex over plain author strings
    **dict.fromkeys(
        ("author", "creator", "contributor", "publisher", "managingeditor", "webmaster"), 256
    ),
    **dict.fromkeys(("name", "email", "uri"), 256),  # inside atom <author>
    # date parsing tries a dozen regexes on the whole string
    **dict.fromkeys(
        ("pubdate", "published", "updated", "date", "modified", "issued", "created"), 128
    ),
    **dict.fromkeys(("lastbuilddate", "dcterms", "expirationdate"), 128),
}
LOOSE_TEXT_BYTES = 256  # text directly inside a container (normally whitespace), per run
_DOCTYPE_KEEP_BYTES = 1024  # an external-only DOCTYPE this short is kept (RSS 0.91 detection)

_CONTAINERS = frozenset({"rss", "rdf", "channel", "feed", "item", "entry"})
_ITEMS = frozenset({"item", "entry"})
_AFTER_NAME = (b">", b"/", b" ", b"\t", b"\r", b"\n")  # what may follow a tag's name
_CDATA_OPEN, _CDATA_CLOSE = b"<![CDATA[", b"]]>"
_SUBSET_END = re.compile(rb"\][ \t\r\n]*>")  # one character class each side: no backtracking
_UTF32 = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"))
_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_UTF16_SNIFF = ((b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]{0,200}\?>")


@dataclasses.dataclass(frozen=True)
class GuardedFeed:
    body: bytes
    warnings: list[str]
    items: int  # items found in the document, including those not read
    # (start, end) in ``body`` of each item read, its start tag to its end tag, in document
    # order; empty when they do not pair up (an item inside an item, one left open)
    item_spans: tuple[tuple[int, int], ...] = ()


def guard_feed(body: bytes) -> GuardedFeed:
    """``body`` rewritten so that feedparser can neither blow up nor crawl on it (see the
    module doc). Raises :class:`FeedParseError` for a document nested beyond :data:`MAX_DEPTH`
    or in a UTF-16/32 encoding it does not decode as."""
    data, warnings = _as_utf8(body)
    walker = _Walker(data)
    walker.run()
    warnings += walker.warnings()
    return GuardedFeed(b"".join(walker.out), warnings, walker.items, walker.spans())


def _as_utf8(body: bytes) -> tuple[bytes, list[str]]:
    """UTF-16/32 documents re-encoded as UTF-8 with a matching declaration; others as they are
    (every other encoding feeds use keeps ``<``, ``>`` and ``&`` as ASCII bytes)."""
    encoding = None
    for boms in (_UTF32, _UTF16):
        for bom, name in boms:
            if body.startswith(bom):
                encoding = name
                break
        if encoding:
            break
    for start, name in _UTF16_SNIFF:
        if encoding is None and body.startswith(start):
            encoding = name
    if encoding is None:
        return body, []
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FeedParseError(
            f"not a feed: the document looks like {encoding.upper()} but does not decode as it "
            f"({exc.reason} at byte {exc.start})",
            reason="bad_encoding",
        ) from None
    text = _XML_DECLARATION.sub("", text, count=1).lstrip("\ufeff")
    return b'<?xml version="1.0" encoding="utf-8"?>' + text.encode("utf-8"), []


def _cut(text: bytes, limit: int) -> bytes:
    """At most ``limit`` bytes of ``text``, not ending inside a character reference or a UTF-8
    sequence (and at a space when there is one near the end, which is safe in any encoding)."""
    if limit <= 0:
        return b""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    amp = cut.rfind(b"&")
    if amp >= 0 and b";" not in cut[amp:]:
        cut = cut[:amp]
    space = max(cut.rfind(b" ", len(cut) - 64), cut.rfind(b"\n", len(cut) - 64))
    if space > 0:
        return cut[:space]
    end = len(cut)
    while end and cut[end - 1] & 0xC0 == 0x80:  # continuation bytes
        end -= 1
    if end and cut[end - 1] >= 0xC0:  # the lead byte of the sequence cut short
        end -= 1
    return cut[:end]


def _local_name(qname: bytes) -> str:
    return qname.rsplit(b":", 1)[-1].decode("ascii", "replace").lower()


@dataclasses.dataclass
class _Open:
    qname: bytes  # as written, to close a field that was cut
    local: str
    container: bool
    fields: dict[str, int] | None = None  # child fields seen by name (containers only)

    def count_field(self, local: str) -> tuple[int, int]:
        """Count one more child field named ``local``; returns (of this name, in all)."""
        if self.fields is None:
            self.fields = {}
        self.fields[local] = self.fields.get(local, 0) + 1
        self.fields[""] = self.fields.get("", 0) + 1
        return self.fields[local], self.fields[""]


class _Walker:
    """One pass over the tokens: tags, text, CDATA, comments, processing instructions,
    declarations. ``out`` collects what feedparser will see."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.out: list[bytes] = []
        self.stack: list[_Open] = []
        self.field_at = -1  # stack index of the field being read, -1 outside fields
        self.field_left = 0  # text bytes the current field may still take
        self.field_total_left = 0  # markup and text bytes the current field may still take
        self.skipping = False  # the current field (or item) is over its cap: drop to its end
        self.items = 0
        self.tag_at = 0  # where the markup being handled starts
        self.jump_to = 0  # set past the markup to skip a whole region unread
        self.cut_fields: dict[str, int] = {}
        self.dropped_fields = 0
        self.entities_removed = 0
        self.close_skipped = False  # whether the skipped element's end tag is written (a cut
        # field keeps its element; an item or field beyond the count caps goes entirely)
        self.item_spans: list[tuple[int, int]] = []  # as indexes into ``out``
        self.item_open: int | None = None  # index in ``out`` of the open item's start tag
        self.items_paired = True

    # -- the token loop --------------------------------------------------------------------

    def run(self) -> None:
        data, pos, size = self.data, 0, len(self.data)
        while pos < size:
            lt = data.find(b"<", pos)
            if lt < 0:
                self._text(data[pos:])
                return
            if lt > pos:
                self._text(data[pos:lt])
            self.tag_at = lt
            pos = max(self._markup(lt), self.jump_to)

    def _markup(self, lt: int) -> int:
        """Handle the markup starting at ``lt``; returns the position after it."""
        data = self.data
        if data.startswith(b"<!--", lt):
            end = data.find(b"-->", lt + 4)
            end = len(data) if end < 0 else end + 3
            self._dropped(data[lt:end])
            return end
        if data.startswith(_CDATA_OPEN, lt):
            end = data.find(_CDATA_CLOSE, lt + len(_CDATA_OPEN))
            end = len(data) if end < 0 else end + len(_CDATA_CLOSE)
            self._cdata(data[lt + len(_CDATA_OPEN) : end - len(_CDATA_CLOSE)])
            return end
        if data.startswith(b"<?", lt):
            end = data.find(b"?>", lt + 2)
            end = len(data) if end < 0 else end + 2
            self._emit(data[lt:end])
            return end
        if data.startswith(b"<!", lt):
            return self._declaration(lt)
        nxt = data[lt + 1 : lt + 2]
        if not (nxt.isalpha() or nxt in (b"_", b":", b"/")):
            self._text(b"<")  # a stray "<" in text (feedparser's loose parser copes)
            return lt + 1
        end = data.find(b">", lt + 1)
        if end < 0:
            self._text(data[lt:])
            return len(data)
        tag = data[lt : end + 1]
        if nxt == b"/":
            self._end_tag(tag)
        else:
            self._start_tag(tag)
        return end + 1

    def _declaration(self, lt: int) -> int:
        """``<!DOCTYPE ...>`` (its internal subset, where entities are declared, removed) or a
        stray ``<!...>`` declaration (dropped)."""
        data = self.data
        close = data.find(b">", lt)
        bracket = data.find(b"[", lt, close if close >= 0 else len(data))
        is_doctype = data[lt + 2 : lt + 9].upper() == b"DOCTYPE"
        if is_doctype and bracket >= 0:
            match = _SUBSET_END.search(data, bracket)
            end = match.end() if match else len(data)
            self.entities_removed += data.count(b"<!ENTITY", bracket, end)
            self._dropped(data[lt:end])
            return end
        end = len(data) if close < 0 else close + 1
        declaration = data[lt:end]
        if is_doctype and len(declaration) <= _DOCTYPE_KEEP_BYTES:
            self._emit(declaration)
        else:
            if data.startswith(b"<!ENTITY", lt):
                self.entities_removed += 1
            self._dropped(declaration)
        return end

    # -- tokens ----------------------------------------------------------------------------

    def _start_tag(self, tag: bytes) -> None:
        closed = tag.endswith(b"/>")
        qname = tag[1:].split(None, 1)[0].rstrip(b"/>") if len(tag) > 2 else b""
        local = _local_name(qname)
        if len(self.stack) >= MAX_DEPTH:
            raise FeedParseError(
                f"not a feed: elements are nested more than {MAX_DEPTH} deep", reason="too_deep"
            )
        if self.skipping:
            if not closed:
                self.stack.append(_Open(qname, local, False))
            return
        if self.field_at >= 0:  # markup inside a field counts against the field's total cap
            self._field_bytes(tag, text=False)
            if not closed:
                self.stack.append(_Open(qname, local, False))
            return
        parent = self.stack[-1] if self.stack else None
        if parent is None:
            self._emit(tag)
            if not closed:
                self.stack.append(_Open(qname, local, True))
            return
        if local in _ITEMS:
            self.items += 1
            if self.items > MAX_ITEMS:
                self._skip_items(qname, parent)
                return
        if local in _CONTAINERS:
            if local in _ITEMS and not closed:
                self.items_paired = self.items_paired and self.item_open is None
                self.item_open = len(self.out)
            self._emit(tag)
            if not closed:
                self.stack.append(_Open(qname, local, True))
            return
        same, fields = parent.count_field(local)
        if same > MAX_REPEATS or fields > MAX_FIELDS:
            self.dropped_fields += 1
            self._skip_element(qname, local, closed)
            return
        self._emit(tag)
        if not closed:
            self.stack.append(_Open(qname, local, False))
            self.field_at = len(self.stack) - 1
            self.field_left = FIELD_BYTES.get(local, DEFAULT_FIELD_BYTES)
            self.field_total_left = max(self.field_left, FIELD_TOTAL_BYTES)

    def _skip_items(self, qname: bytes, parent: _Open) -> None:
        """The first item beyond :data:`MAX_ITEMS`: jump to the end of the container (items
        come last in it), counting the items passed over without tokenising them."""
        start = self.tag_at
        end = self.data.rfind(b"</" + parent.qname, start)
        if end < 0:
            end = len(self.data)
        passed = self.data[start:end]
        marker = b"<" + qname
        self.items += sum(passed.count(marker + after) for after in _AFTER_NAME) - 1
        self.jump_to = end

    def _skip_element(self, qname: bytes, local: str, closed: bool) -> None:
        if closed:
            return
        self.stack.append(_Open(qname, local, False))
        self.field_at = len(self.stack) - 1
        self.field_left = 0
        self.skipping = True
        self.close_skipped = False

    def _end_tag(self, tag: bytes) -> None:
        local = _local_name(tag[2:-1].strip())
        at = next(
            (i for i in range(len(self.stack) - 1, max(-1, len(self.stack) - 65), -1)
             if self.stack[i].local == local),
            -1,
        )  # fmt: skip
        closed = self.stack[at:] if at >= 0 else []
        ends_item = bool(closed) and closed[0].container and closed[0].local in _ITEMS
        if any(o.container and o.local in _ITEMS for o in closed[1:]):
            self.items_paired = False  # an item left open, closed by its container's end
        self._close(tag, at)
        if ends_item and self.item_open is not None:
            self.item_spans.append((self.item_open, len(self.out)))
            self.item_open = None

    def _close(self, tag: bytes, at: int) -> None:
        """An end tag; ``at`` is the stack index of the element it closes (-1: none)."""
        if at < 0:  # an end tag that closes nothing open
            if self.skipping:
                return
            if self.field_at >= 0:
                self._field_bytes(tag, text=False)
            else:
                self._emit(tag)
            return
        if self.field_at >= 0 and at <= self.field_at:  # the field (or an ancestor) ends
            field = self.stack[self.field_at]
            if self.skipping:
                if self.close_skipped:
                    self.out.append(b"</" + field.qname + b">")
                if at < self.field_at:
                    self.out.append(tag)
            else:
                self.out.append(tag)
            del self.stack[at:]
            self.field_at, self.skipping = -1, False
            return
        del self.stack[at:]
        if self.skipping:
            return
        if self.field_at >= 0:
            self._field_bytes(tag, text=False)
        else:
            self._emit(tag)

    def _text(self, text: bytes) -> None:
        if self.skipping:
            return
        if self.field_at >= 0:
            self._field_bytes(text, text=True)
        else:
            self._emit(_cut(text, LOOSE_TEXT_BYTES))

    def _cdata(self, inner: bytes) -> None:
        if self.skipping:
            return
        if self.field_at < 0:
            self._emit(_CDATA_OPEN + _cut(inner, LOOSE_TEXT_BYTES) + _CDATA_CLOSE)
            return
        room = min(self.field_left, self.field_total_left - len(_CDATA_OPEN + _CDATA_CLOSE))
        if len(inner) <= room:
            self.field_left -= len(inner)
            self.field_total_left -= len(inner) + len(_CDATA_OPEN + _CDATA_CLOSE)
            self._emit(_CDATA_OPEN + inner + _CDATA_CLOSE)
            return
        self._emit(_CDATA_OPEN + _cut(inner, room) + _CDATA_CLOSE)
        self._over_cap()

    def _field_bytes(self, chunk: bytes, *, text: bool) -> None:
        """Emit ``chunk`` inside the current field if it fits the field's caps; else emit
        what fits (of text: a tag is never cut in half) and drop the rest of the field."""
        room = min(self.field_left, self.field_total_left) if text else self.field_total_left
        if len(chunk) <= room:
            self.field_total_left -= len(chunk)
            if text:
                self.field_left -= len(chunk)
            self._emit(chunk)
            return
        if text:
            self._emit(_cut(chunk, room))
        self._over_cap()

    def _over_cap(self) -> None:
        field = self.stack[self.field_at]
        self.cut_fields[field.local] = self.cut_fields.get(field.local, 0) + 1
        self.field_left = self.field_total_left = 0
        self.skipping = True
        self.close_skipped = True

    def _dropped(self, chunk: bytes) -> None:
        """Something removed: only its line breaks stay, so line numbers in errors stay true."""
        if not self.skipping and self.field_at < 0:
            self.out.append(b"\n" * chunk.count(b"\n"))

    def _emit(self, chunk: bytes) -> None:
        self.out.append(chunk)

    # -- the report ------------------------------------------------------------------------

    def spans(self) -> tuple[tuple[int, int], ...]:
        if not self.items_paired or self.item_open is not None:
            return ()
        offsets = list(itertools.accumulate(map(len, self.out), initial=0))
        return tuple((offsets[start], offsets[end]) for start, end in self.item_spans)

    def warnings(self) -> list[str]:
        found = []
        if self.entities_removed:
            found.append(
                f"the document declares {self.entities_removed} entities; the declarations "
                "were removed and the entities are not expanded"
            )
        if self.items > MAX_ITEMS:
            found.append(f"feed has {self.items} items; only the first {MAX_ITEMS} are used")
        for name, count in sorted(self.cut_fields.items()):
            cap = FIELD_BYTES.get(name, DEFAULT_FIELD_BYTES)
            found.append(f"{count} <{name}> field(s) cut (cap {cap} bytes of text)")
        if self.dropped_fields:
            found.append(
                f"{self.dropped_fields} field(s) ignored: more than {MAX_REPEATS} of one name or "
                f"{MAX_FIELDS} in all in one item or channel"
            )
        return found
