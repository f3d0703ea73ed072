"""Finding a site's feeds in its pages: real news pages of the shared corpora (their URLs from
the benchmark's ground truth), and the cases they do not all show."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newswatch.core.discovery import FeedLink, feed_links, usual_feed_urls

BENCHMARK = "article-extraction-benchmark"


def corpus_page(corpora: Path, prefix: str) -> tuple[bytes, str]:
    """A page of the extraction benchmark by the start of its hash, with its URL."""
    root = corpora / BENCHMARK
    truth = json.loads((root / "ground-truth.json").read_text())
    (key,) = [key for key in truth if key.startswith(prefix)]
    return gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()), truth[key]["url"]


def test_a_relative_link_is_resolved_against_the_page(corpora: Path) -> None:
    body, url = corpus_page(corpora, "42aad16bde92")  # Al Jazeera: href="/xml/rss/all.xml"
    assert url.startswith("https://www.aljazeera.com/ajimpact/")
    assert feed_links(body, url=url) == [
        FeedLink("https://www.aljazeera.com/xml/rss/all.xml", "Al Jazeera English", "rss")
    ]


def test_wordpress_feeds_once_each_comment_feeds_last(corpora: Path) -> None:
    body, url = corpus_page(corpora, "8cad00dc22de")  # five links, /feed/ twice
    links = feed_links(body, url=url)
    assert [link.url for link in links][:2] == [
        "http://jeongdongtheater.com/wp-content/plugins/kboard/rss.php",
        "http://jeongdongtheater.com/feed/",
    ]
    assert len(links) == 4  # the repeated /feed/ once
    assert links[2].url == "http://jeongdongtheater.com/comments/feed/"
    assert links[3].title.endswith("Comments Feed")
    assert links[1].title == "Jeongdong Theater » Feed"


def test_only_alternate_links_count(corpora: Path) -> None:
    # polygraph.info also has <link rel="sitemap" type="application/rss+xml">
    body, url = corpus_page(corpora, "1ee91d1fce65")
    assert [link.url for link in feed_links(body, url=url)] == ["https://www.polygraph.info/api/"]


def test_every_corpus_page_gives_absolute_feed_links(corpora: Path) -> None:
    root = corpora / BENCHMARK
    truth = json.loads((root / "ground-truth.json").read_text())
    with_feeds = 0
    for key, page in truth.items():
        body = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        links = feed_links(body, url=page["url"])
        with_feeds += bool(links)
        for link in links:
            assert link.url.startswith(("http://", "https://")), (key, link)
            assert "#" not in link.url and link.kind in ("rss", "atom", "rdf")
    assert len(truth) == 181
    # as many as `zcat | grep -iE '<link[^>]*(rss|atom|rdf)\+xml'` finds, some of them after
    # a hundred other <link>s (express.co.uk, nationalreview.com)
    assert with_feeds == 81


PAGE = b"""<!doctype html><html><head>
<base href="https://cdn.example.org/news/">
<LINK REL="Alternate nofollow" TYPE="application/atom+xml; charset=utf-8" HREF="atom.xml"
      title="  Atom\x01 feed ">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/json" href="/feed.json">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="//other.example/rss#top" title="Other">
<link rel="alternate" type="application/rdf+xml" href="/index.rdf">
<link rel="alternate" type="application/rss+xml">
</head><body><p>caf\xc3\xa9</p></body></html>"""


def test_base_href_types_and_what_is_not_a_feed() -> None:
    assert feed_links(PAGE, url="https://www.example.org/a/b.html") == [
        FeedLink("https://cdn.example.org/news/atom.xml", "Atom feed", "atom"),
        FeedLink("https://other.example/rss", "Other", "rss"),
        FeedLink("https://cdn.example.org/index.rdf", "", "rdf"),
    ]


def test_a_feed_link_after_many_other_links_is_found() -> None:
    others = b'<link rel="preconnect" href="https://cdn.example/">' * 500
    page = others + b'<link rel="alternate" type="application/rss+xml" href="/rss">'
    assert [link.url for link in feed_links(page, url="https://a.example/x")] == [
        "https://a.example/rss"
    ]


def test_a_hostile_page_is_read_in_one_pass() -> None:
    # html.parser rescans the rest of the page at each unclosed tag (quadratic); the
    # links in the head are found whatever follows them
    head = b'<html><head><link rel="alternate" type="application/rss+xml" href="/r"></head>'
    page = head + b"<body>" + b"<a " * 600_000
    assert [link.url for link in feed_links(page, url="https://a.example/")] == [
        "https://a.example/r"
    ]


def test_a_page_with_no_feed_links_gives_none() -> None:
    assert feed_links(b"<html><head><title>x</title></head></html>", url="https://a.example/") == []
    assert feed_links(b"\xff\xfe\x00garbage<<<>", url="https://a.example/") == []


def test_titles_are_decoded_with_the_page_charset() -> None:
    page = '<link rel="alternate" type="application/rss+xml" href="/r" title="Café">'
    latin = page.encode("latin-1")
    links = feed_links(latin, url="https://a.example/", content_type="text/html; charset=latin-1")
    assert links == [FeedLink("https://a.example/r", "Café", "rss")]


@pytest.mark.parametrize(
    ("url", "first"),
    [
        ("https://news.example/politics/story.html?x=1", "https://news.example/feed"),
        ("http://127.0.0.1:8080/a/", "http://127.0.0.1:8080/feed"),
    ],
)
def test_usual_places_are_at_the_site_root(url: str, first: str) -> None:
    places = usual_feed_urls(url)
    assert places[0] == first
    assert [p.rsplit("/", 1)[1] for p in places] == [
        "feed", "rss", "rss.xml", "atom.xml", "feed.xml", "index.xml",
    ]  # fmt: skip
