"""Choosing a page's character encoding: the HTML standard's order (BOM, HTTP header, <meta>),
WHATWG labels, and wrong declarations caught."""

from __future__ import annotations

import pytest

from newswatch.core.charset import (
    codec_for_label,
    content_type_charset,
    decode_page,
    locale_default,
)

GERMAN = "Die Gespräche über Waffenlieferungen für die Ukraine gehen weiter. Größere Schritte."
RUSSIAN = "Путин и Си Цзиньпин провели переговоры в Москве о поставках оружия и войне."


def page(body: str, meta: str | None = None) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    return (
        f"<!DOCTYPE html><html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"
    )


def test_header_utf8_beats_a_wrong_meta() -> None:
    """The issue's case: sent as UTF-8, the <meta> says iso-8859-1; it used to be "fÃ¼r"."""
    got = decode_page(page(GERMAN, "iso-8859-1").encode("utf-8"), "utf-8")
    assert GERMAN in got.text
    assert (got.encoding, got.source, got.corrected) == ("utf-8", "http", False)


@pytest.mark.parametrize("http", ["iso-8859-1", ""])
def test_valid_utf8_declared_single_byte_is_read_as_utf8(http: str) -> None:
    got = decode_page(page(GERMAN, "iso-8859-1").encode("utf-8"), http)
    assert GERMAN in got.text
    assert "Ã" not in got.text
    assert (got.encoding, got.corrected) == ("utf-8", True)


def test_a_true_single_byte_declaration_is_kept() -> None:
    got = decode_page(page(GERMAN, "iso-8859-1").encode("latin-1"))
    assert GERMAN in got.text
    assert (got.encoding, got.source, got.corrected) == ("cp1252", "meta", False)


def test_header_wins_over_meta() -> None:
    got = decode_page(page(RUSSIAN, "iso-8859-1").encode("cp1251"), "windows-1251")
    assert RUSSIAN in got.text
    assert (got.encoding, got.source) == ("cp1251", "http")


def test_a_false_utf8_header_gives_way_to_the_meta() -> None:
    got = decode_page(page(GERMAN, "iso-8859-1").encode("latin-1"), "utf-8")
    assert GERMAN in got.text
    assert (got.encoding, got.source, got.corrected) == ("cp1252", "meta", True)


def test_a_few_stray_bytes_do_not_unmake_utf8() -> None:
    data = page(GERMAN * 3 + " caf\udce9", "utf-8").encode("utf-8", errors="surrogateescape")
    got = decode_page(data, "utf-8")
    assert GERMAN in got.text
    assert "caf\ufffd" in got.text
    assert got.encoding == "utf-8"


def test_bom_beats_everything() -> None:
    data = page(GERMAN, "iso-8859-1").encode("utf-16")
    got = decode_page(data, "iso-8859-1")
    assert GERMAN in got.text
    assert (got.source, got.text[:1]) == ("bom", "<")
    got = decode_page(b"\xef\xbb\xbf" + page(GERMAN).encode("utf-8"), "windows-1251")
    assert (got.source, got.encoding) == ("bom", "utf-8")
    assert GERMAN in got.text


def head_page(head: str, body: str) -> str:
    """A page with ``head`` (e.g. a <meta>) in its <head> and ``body`` in one paragraph."""
    return f"<html><head>{head}</head><body><p>{body}</p></body></html>"


def test_meta_claiming_utf16_means_utf8() -> None:
    got = decode_page(page(GERMAN, "utf-16").encode("utf-8"))
    assert GERMAN in got.text
    assert got.encoding == "utf-8"


def test_http_equiv_declaration() -> None:
    data = head_page(
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', RUSSIAN
    )
    got = decode_page(data.encode("cp1251"))
    assert RUSSIAN in got.text
    assert (got.encoding, got.source) == ("cp1251", "meta")


def test_undeclared_bytes() -> None:
    assert decode_page(page(GERMAN).encode("utf-8")).source == "utf-8"
    # a handful of non-ASCII bytes: browsers' default, windows-1252
    got = decode_page(page("für").encode("latin-1"))
    assert (got.encoding, got.source) == ("cp1252", "guess")
    assert "für" in got.text
    # enough Cyrillic to tell
    got = decode_page(page(RUSSIAN * 2).encode("cp1251"))
    assert RUSSIAN in got.text
    assert got.source == "guess"


def test_unknown_labels_are_ignored() -> None:
    got = decode_page(page(GERMAN, "x-nonsense").encode("utf-8"), "bogus")
    assert GERMAN in got.text
    assert got.source == "utf-8"


def test_labels_and_content_types() -> None:
    assert content_type_charset("text/html; charset=UTF-8") == "utf-8"
    assert content_type_charset('text/html;charset="ISO-8859-1"; foo=bar') == "iso-8859-1"
    assert content_type_charset("text/html") == ""
    assert content_type_charset(None) == ""
    assert [codec_for_label(x) for x in ("latin1", "ascii", "utf8", "cp1251", "nope", "")] == [
        "cp1252",
        "cp1252",
        "utf-8",
        "cp1251",
        None,
        None,
    ]


TURKISH = (
    "Dışişleri Bakanlığı, İstanbul'daki görüşmelerin ardından Şam'a gidecek heyetin "
    "ağırlıklı olarak güvenlik ve göç konularını ele alacağını açıkladı. Ğ ş ı İ Ş ğ."
)


def lang_page(body: str, lang: str | None = None, meta: str | None = None) -> str:
    return page(body, meta).replace("<html>", f'<html lang="{lang}">' if lang else "<html>")


def test_undeclared_windows_1254_is_read_by_the_page_language() -> None:
    """The issue's case: an undeclared Turkish page in windows-1254 came out as windows-1252
    ("Ýstanbul", "Dýþiþleri")."""
    got = decode_page(lang_page(TURKISH, "tr").encode("cp1254"))
    assert TURKISH in got.text
    assert (got.encoding, got.source, got.corrected) == ("cp1254", "lang", False)


def test_content_language_meta_and_region_subtags() -> None:
    data = head_page(
        '<meta content="tr-TR" http-equiv="Content-Language"><title>t</title>', TURKISH
    )
    got = decode_page(data.encode("cp1254"))
    assert TURKISH in got.text
    assert (got.encoding, got.source) == ("cp1254", "lang")


def test_without_a_language_the_guess_stays_windows_1252() -> None:
    data = lang_page(TURKISH).encode("cp1254")
    got = decode_page(data)
    assert (got.encoding, got.source) == ("cp1252", "guess")
    assert TURKISH not in got.text
    # a language the standard's table leaves on windows-1252 changes nothing either
    got = decode_page(lang_page(GERMAN, "de").encode("cp1252"))
    assert (got.encoding, got.source) == ("cp1252", "guess")
    assert GERMAN in got.text


def test_a_declared_charset_wins_over_the_language() -> None:
    data = lang_page(GERMAN, "tr", "windows-1252").encode("cp1252")
    got = decode_page(data)
    assert GERMAN in got.text
    assert (got.encoding, got.source) == ("cp1252", "meta")
    got = decode_page(lang_page(GERMAN, "tr").encode("cp1252"), "iso-8859-1")
    assert GERMAN in got.text
    assert (got.encoding, got.source) == ("cp1252", "http")


def test_utf8_with_a_language_stays_utf8() -> None:
    got = decode_page(lang_page(TURKISH, "tr").encode("utf-8"))
    assert TURKISH in got.text
    assert (got.encoding, got.source) == ("utf-8", "utf-8")


def test_a_guess_other_than_windows_1252_is_kept() -> None:
    """The language only replaces the windows-1252 default, not a guess of another script."""
    got = decode_page(lang_page(RUSSIAN * 2, "tr").encode("cp1251"))
    assert RUSSIAN in got.text
    assert (got.encoding, got.source) == ("cp1251", "guess")


# The HTML standard's "suggested default encoding" table, row by row as its text gives it
# (html.spec.whatwg.org, "determining the character encoding"); GBK is decoded as gb18030.
STANDARD_TABLE = {
    "ar": "windows-1256", "az": "windows-1254", "ba": "windows-1251", "be": "windows-1251",
    "bg": "windows-1251", "cs": "windows-1250", "el": "iso-8859-7", "et": "windows-1257",
    "fa": "windows-1256", "he": "windows-1255", "hr": "windows-1250", "hu": "iso-8859-2",
    "ja": "shift_jis", "kk": "windows-1251", "ko": "euc-kr", "ku": "windows-1254",
    "ky": "windows-1251", "lt": "windows-1257", "lv": "windows-1257", "mk": "windows-1251",
    "pl": "iso-8859-2", "ru": "windows-1251", "sah": "windows-1251", "sk": "windows-1250",
    "sl": "iso-8859-2", "sr": "windows-1251", "tg": "windows-1251", "th": "windows-874",
    "tr": "windows-1254", "tt": "windows-1251", "uk": "windows-1251", "vi": "windows-1258",
    "zh-Hans": "gb18030", "zh-CN": "gb18030", "zh-SG": "gb18030",
    "zh-Hant": "big5", "zh-HK": "big5", "zh-MO": "big5", "zh-TW": "big5",
}  # fmt: skip


@pytest.mark.parametrize(("tag", "label"), sorted(STANDARD_TABLE.items()))
def test_locale_default_follows_every_row_of_the_standard(tag: str, label: str) -> None:
    assert locale_default(tag) == codec_for_label(label)
    assert locale_default(f"{tag}-x-test".replace("_", "-")) == codec_for_label(label)


def test_locale_default_other_locales_and_scripts() -> None:
    for tag in ("en", "de-DE", "fr", "zh", "pt-BR", ""):  # "all other locales": windows-1252
        assert locale_default(tag) is None, tag
    assert locale_default("zh-Hant-TW") == codec_for_label("big5")
    assert locale_default("az-Latn-AZ") == codec_for_label("windows-1254")
    assert locale_default("sr-Latn") is None  # the table's windows-1251 is for Cyrillic
    assert locale_default("kk-Latn") is None


def test_xml_lang_and_og_locale_name_the_language_too() -> None:
    """One reader of the declared language serves the charset and extraction: an XHTML page
    with only xml:lang, or a page with only og:locale, gets its locale's default."""
    xhtml = lang_page(TURKISH).replace("<html>", '<html xml:lang="tr">')
    got = decode_page(xhtml.encode("cp1254"))
    assert TURKISH in got.text
    assert (got.encoding, got.source) == ("cp1254", "lang")
    og = head_page('<meta property="og:locale" content="tr_TR">', TURKISH)
    got = decode_page(og.encode("cp1254"))
    assert (got.encoding, got.source) == ("cp1254", "lang")
    # data-lang is no language declaration
    data_lang = lang_page(TURKISH).replace("<html>", '<html data-lang="tr">')
    assert decode_page(data_lang.encode("cp1254")).source == "guess"
