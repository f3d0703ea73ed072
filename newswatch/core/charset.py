"""Page bytes -> text: the one place where newswatch picks a page's character encoding.

The order is the HTML standard's ("determining the character encoding"): a byte-order mark,
then the charset of the HTTP Content-Type, then a ``<meta>`` declaration near the top of the
page, then a guess (with the page's language, see below). Labels are resolved as the WHATWG
Encoding standard says (``webencodings``): "iso-8859-1" and "ascii" mean windows-1252, a
``<meta>`` claiming UTF-16 means UTF-8.

The guess (statistics over windows-1252 and the legacy encodings of other scripts) leaves out
the Latin-script variants (windows-1250, -1254, -1257, -1258, iso-8859-2): statistics mistake
them for windows-1252. So when nothing is declared, the bytes are not UTF-8 and the guess is
windows-1252, the page's own language picks the legacy default browsers use for that locale,
from the HTML standard's table "suggested default encoding" (``<html lang="tr">`` -> windows-1254,
so "şığ" is not read as "þýð"); the language is read near the top of the page, as the
``<meta>`` prescan reads the charset (:func:`newswatch.core.language.declared_language`: the
``lang`` or ``xml:lang`` of ``<html>``, else content-language, else og:locale), and the
``DecodedPage.source`` of such a choice is "lang". A language the table does not list keeps
windows-1252.

One check goes beyond what browsers do, because servers and CMSs mislabel pages far more often
than real text happens to be valid UTF-8:

- a legacy charset (windows-1252, iso-8859-x, koi8-r, shift_jis...) declared over bytes that
  are valid UTF-8 and not plain ASCII is a wrong declaration: the bytes are read as UTF-8
  (otherwise "für" comes out as "fÃ¼r");
- a UTF-8 declaration over bytes that are not UTF-8 (more than a few stray bytes) is wrong too:
  the next source is asked (typically the ``<meta>`` that names the real charset).

The fetcher never decodes (it hands the worker bytes and the Content-Type's charset) and
trafilatura only ever gets our text, so no second guess happens anywhere else.
"""

from __future__ import annotations

import codecs
import dataclasses
import re

import charset_normalizer
import webencodings

from newswatch.core.language import declared_language

# how far into a page to look for a <meta> charset (the standard prescans 1024 bytes; pages
# with long inline scripts in <head> put it later, and a later declaration is still truer
# than a guess)
META_PRESCAN_BYTES = 8192
# bytes given to the statistical guess when nothing is declared and the page is not UTF-8
GUESS_BYTES = 64 * 1024
GUESS_MIN_NON_ASCII = 16
# windows-1252 and the legacy encodings of other scripts, where reading the bytes as
# windows-1252 would garble every word; the Latin-script variants (windows-1250, -1254,
# iso-8859-2...) are left out: told apart from windows-1252 by statistics they are mistaken
# for one another on real text, and windows-1252 already reads most of their letters right
_GUESSES = [
    "cp1252", "cp1251", "koi8_r", "cp1253", "cp1255", "cp1256", "cp874",
    "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
]  # fmt: skip
_ASCII = bytes(range(128))
# at most one bad sequence per this many good non-ASCII characters still counts as UTF-8
# (a page assembled from fragments can carry a stray windows-1252 byte or two)
_STRAY_RATIO = 4

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET_PARAM = re.compile(r";\s*charset\s*=\s*[\"']?\s*([^\s;\"']{1,40})", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)
# The HTML standard, "determining the character encoding", table "suggested default encoding"
# per locale (https://html.spec.whatwg.org/multipage/parsing.html, "derived from the
# intersection of Windows, Chrome, and Firefox defaults"), row for row as the standard's text
# gives it (checked against that text on 2026-11-30): later revisions say UTF-8 for some of
# these locales, which says nothing about bytes already found not to be UTF-8, so their legacy
# encoding is kept. A locale not listed gets windows-1252. Keys: primary language subtag, or
# language-script / language-region where the table has one (Chinese); values: WHATWG labels,
# resolved to Python codecs by codec_for_label (the table's GBK is decoded as gb18030, the
# superset the Encoding standard's gbk decoder is).
_LOCALE_DEFAULT_LABELS = {
    "ar": "windows-1256", "az": "windows-1254", "ba": "windows-1251", "be": "windows-1251",
    "bg": "windows-1251", "cs": "windows-1250", "el": "iso-8859-7", "et": "windows-1257",
    "fa": "windows-1256", "he": "windows-1255", "hr": "windows-1250", "hu": "iso-8859-2",
    "ja": "shift_jis", "kk": "windows-1251", "ko": "euc-kr", "ku": "windows-1254",
    "ky": "windows-1251", "lt": "windows-1257", "lv": "windows-1257", "mk": "windows-1251",
    "pl": "iso-8859-2", "ru": "windows-1251", "sah": "windows-1251", "sk": "windows-1250",
    "sl": "iso-8859-2", "sr": "windows-1251", "tg": "windows-1251", "th": "windows-874",
    "tr": "windows-1254", "tt": "windows-1251", "uk": "windows-1251", "vi": "windows-1258",
    "zh-hans": "gb18030", "zh-cn": "gb18030", "zh-sg": "gb18030",
    "zh-hant": "big5", "zh-hk": "big5", "zh-mo": "big5", "zh-tw": "big5",
}  # fmt: skip
# the table's encodings for Latin script ("az-Latn" keeps windows-1254, "sr-Latn" drops 1251)
_LATIN_LABELS = frozenset(
    {"windows-1250", "windows-1254", "windows-1257", "windows-1258", "iso-8859-2"}
)


@dataclasses.dataclass(frozen=True)
class DecodedPage:
    text: str
    encoding: str  # Python codec name, e.g. "utf-8", "cp1252"
    # "bom", "http", "meta", "utf-8" (undeclared, valid UTF-8), "guess" or "lang" (undeclared,
    # guessed windows-1252, the page's language has another legacy default: see the module doc)
    source: str
    corrected: bool = False  # True when a declaration was overruled (see the module doc)


def content_type_charset(content_type: str | None) -> str:
    """The charset label of a Content-Type header value ("" when it names none)."""
    match = _CHARSET_PARAM.search(content_type or "")
    return match.group(1).strip().lower() if match else ""


def codec_for_label(label: str) -> str | None:
    """The Python codec of an encoding label, resolved as the WHATWG Encoding standard does
    ("latin1" -> cp1252); None for a label browsers do not know or Python cannot decode."""
    encoding = webencodings.lookup(label) if label else None
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding.codec_info.name).name
    except LookupError:  # "replacement", x-user-defined on some builds
        return None


def meta_charset(data: bytes) -> str:
    """The charset label a ``<meta>`` declares near the top of the page ("" when none)."""
    match = _META_CHARSET.search(data[:META_PRESCAN_BYTES])
    return match.group(1).decode("ascii").lower() if match else ""


def decode_page(data: bytes, http_charset: str = "") -> DecodedPage:
    """Decode the bytes of an HTML page; ``http_charset`` is the charset label of the
    response's Content-Type ("" when it had none). Undecodable bytes become U+FFFD, never an
    error."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(bom_codec, errors="replace")
            return DecodedPage(text, bom_codec, "bom")
    utf8 = _Utf8(data)
    overruled = False
    for source, label in (("http", http_charset), ("meta", meta_charset(data))):
        codec = codec_for_label(label)
        if codec is None:
            continue
        if source == "meta" and codec in ("utf-16-le", "utf-16-be"):
            codec = "utf-8"  # a page that can state this in ASCII is not UTF-16
        if codec == "utf-8":
            if utf8.text is not None:
                return DecodedPage(utf8.text, "utf-8", source, corrected=overruled)
            overruled = True  # declared UTF-8, but it is not: ask the next source
            continue
        if utf8.text is not None and not utf8.ascii:
            return DecodedPage(utf8.text, "utf-8", source, corrected=True)
        return DecodedPage(data.decode(codec, errors="replace"), codec, source, overruled)
    if utf8.text is not None:
        return DecodedPage(utf8.text, "utf-8", "utf-8", corrected=overruled)
    codec, source = _guess(data), "guess"
    if codec == "cp1252":
        head = data[:META_PRESCAN_BYTES].decode("latin-1")  # a language tag is ASCII
        codec = locale_default(declared_language(head)) or codec
        source = "guess" if codec == "cp1252" else "lang"
    return DecodedPage(data.decode(codec, errors="replace"), codec, source, corrected=overruled)


def locale_default(language: str) -> str | None:
    """The Python codec of the HTML standard's suggested default encoding for a language tag;
    None when the table gives it windows-1252 (it lists only the locales that differ)."""
    parts = language.lower().replace("_", "-").split("-")
    label = _LOCALE_DEFAULT_LABELS.get("-".join(parts[:2])) or _LOCALE_DEFAULT_LABELS.get(parts[0])
    if label is None or ("latn" in parts[1:] and label not in _LATIN_LABELS):
        return None  # "sr-Latn", "kk-Latn": the table's default is for the other script
    return codec_for_label(label)


class _Utf8:
    """The page read as UTF-8 (``text``), or None when the bytes are not UTF-8."""

    def __init__(self, data: bytes) -> None:
        self.ascii = data.isascii()
        self.text: str | None
        try:
            self.text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            bad = text.count("\ufffd")
            non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - bad
            self.text = text if non_ascii >= _STRAY_RATIO * bad else None


def _guess(data: bytes) -> str:
    """A statistical guess for undeclared bytes that are not UTF-8; windows-1252 (what
    browsers assume for most locales) when there is no better one, or too few non-ASCII bytes
    to tell (a guess from a handful of bytes is noise: "für" alone reads as Big5)."""
    sample = data[:GUESS_BYTES]
    if len(sample.translate(None, _ASCII)) < GUESS_MIN_NON_ASCII:
        return "cp1252"
    best = charset_normalizer.from_bytes(sample, cp_isolation=_GUESSES).best()
    try:
        codec = codecs.lookup(best.encoding).name if best is not None else ""
    except LookupError:
        codec = ""
    # a UTF-8 (or ASCII) guess on bytes we found not to be UTF-8 is no guess at all
    return codec if codec and codec not in ("utf-8", "ascii") else "cp1252"
