"""Language tags: the one reader of the language a page declares (the charset's locale
default and extraction both use it) and the two-letter code topics are compared by."""

from __future__ import annotations

from newswatch.core.language import declared_language, language_code


def test_language_code() -> None:
    assert [language_code(c) for c in ("en-US", "pt_BR", " DE ", "fil", "", "e1")] == [
        "en",
        "pt",
        "de",
        "",
        "",
        "",
    ]


def test_declared_language_keeps_the_full_tag() -> None:
    """The charset's locale table needs script and region ("zh-Hant", "az-Latn")."""
    assert declared_language('<html class="x" lang="pt-BR"><body>') == "pt-br"
    assert declared_language("<HTML LANG=zh-Hant-TW>") == "zh-hant-tw"
    assert declared_language('<html lang="az_Latn">') == "az-latn"
    assert declared_language("<html><body><p>no lang</p>") == ""
    assert declared_language('<html lang="fil">') == "fil"  # reduced by language_code, not here


def test_declared_language_sources_in_order() -> None:
    """<html lang>, then its xml:lang, then content-language, then og:locale."""
    assert declared_language('<html xml:lang="tr" lang="de">') == "de"
    assert declared_language('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="tr">') == "tr"
    og_locale = '<html data-lang="ru"><meta property="og:locale" content="tr_TR">'
    assert declared_language(og_locale) == "tr-tr"
    # content-language wins over og:locale whatever their order, and names its first language
    both = (
        '<meta property="og:locale" content="de_DE">'
        '<meta http-equiv="content-language" content="fr, en">'
    )
    assert declared_language(f"<html>{both}") == "fr"
    # attributes in any order
    assert (
        declared_language('<html><meta content="tr-TR" http-equiv="Content-Language">') == "tr-tr"
    )
    # og:locale:alternate is another locale the site offers, not this page's
    alternate = (
        '<meta property="og:locale:alternate" content="ru_RU">'
        '<meta property="og:locale" content="uk_UA">'
    )
    assert declared_language(f"<html>{alternate}") == "uk-ua"
    assert declared_language('<html><meta property="og:locale:alternate" content="ru_RU">') == ""


def test_declared_language_reads_only_the_top_of_the_page() -> None:
    assert declared_language(" " * 9000 + '<html lang="tr">') == ""
