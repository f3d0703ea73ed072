"""Standard page declarations, in their order of preference."""

from __future__ import annotations

from lxml.html import document_fromstring

from newswatch.core.page_meta import PageMeta, read_page_metadata


def meta_of(html: str) -> PageMeta:
    return read_page_metadata(document_fromstring(html))


def test_open_graph_and_article_declarations_win() -> None:
    found = meta_of(
        '<html lang="en-GB"><head><title>Site | Headline</title>'
        '<meta property="og:title" content="Headline">'
        '<meta name="Author" content="Jane  Roe">'
        '<meta property="article:published_time" content="2023-03-17T12:00:00Z">'
        '<meta property="og:site_name" content="Daily">'
        '<meta property="og:locale" content="fr_FR"></head>'
        '<body><time datetime="2020-01-01">old</time><h1>Other</h1></body></html>'
    )
    assert found == PageMeta(
        title="Headline",
        author="Jane Roe",
        published_at="2023-03-17",
        sitename="Daily",
        language="en-GB",
    )


def test_fallbacks_title_then_h1_time_element_and_og_locale() -> None:
    found = meta_of(
        '<html><head><meta property="og:locale" content="es_ES"></head>'
        '<body><h1> The  headline </h1><time datetime="2022-12-31T23:00">x</time></body></html>'
    )
    assert (found.title, found.published_at, found.language) == (
        "The headline",
        "2022-12-31",
        "es_ES",
    )
    assert (
        meta_of("<html><head><title>Only title</title></head><body><p>x</p></body></html>").title
        == "Only title"
    )


def test_undated_and_oversized_declarations() -> None:
    found = meta_of(
        '<html><head><meta name="date" content="last Tuesday">'
        f'<meta property="og:title" content="{"x" * 5000}"></head><body><p>x</p></body></html>'
    )
    assert found.published_at is None
    assert len(found.title) == 500
