from __future__ import annotations

import csv
import urllib.parse
from datetime import datetime
from pathlib import Path

import pytest

from newswatch.core.errors import FeedParseError
from newswatch.core.feed import MAX_ITEMS, ParsedFeed, parse_feed
from tests.conftest import CORPORA

FEED_URL = "https://feeds.example.org/news/feed.xml"
MANIFEST = CORPORA / "feeds" / "manifest.tsv"


def _manifest() -> list[dict[str, str]]:
    if not MANIFEST.is_file():
        return []
    with MANIFEST.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _manifest()
REAL_CAPTURES = [row for row in ROWS if row["real_capture"] == "1"]

# Entries of real captures that parse_feed drops on purpose, with the warning it gives.
DELIBERATE_SKIPS = {
    # an <item> whose title, link and description are all empty
    "miniflux/internal/reader/parser/testdata/no_encoding_ISO-8859-1.xml": [
        "item 4 skipped: no link and no content"
    ],
    # the same enclosure GUID twice: the second copy would be the same article again
    "rbren-rss-parser/test/input/itunes-missing-image.rss": [
        "item 18 skipped: duplicate of an earlier item (http://taverncast.com/shows/geekistry-2.mp3)"
    ],
}


def _parse_corpus_file(corpora: Path, path: str, url: str = FEED_URL) -> ParsedFeed:
    return parse_feed((corpora / "feeds" / path).read_bytes(), url=url)


def _skip_warnings(feed: ParsedFeed) -> list[str]:
    return [w for w in feed.warnings if " skipped: " in w]


@pytest.mark.corpora
@pytest.mark.parametrize("row", REAL_CAPTURES, ids=[r["path"] for r in REAL_CAPTURES])
def test_real_capture_item_counts(corpora: Path, row: dict[str, str]) -> None:
    feed = _parse_corpus_file(corpora, row["path"])
    skips = DELIBERATE_SKIPS.get(row["path"], [])

    assert len(feed.items) == int(row["n_entries"]) - len(skips)
    assert _skip_warnings(feed) == skips
    # a sloppy feed is read anyway, and says so
    recovered = any("not well-formed" in w for w in feed.warnings)
    assert recovered == (row["bozo"] == "1")
    assert feed.title == " ".join(row["title"].split())
    if row["link_host"]:
        assert urllib.parse.urlsplit(feed.link).hostname == row["link_host"]
    keys = [item.key for item in feed.items]
    assert len(set(keys)) == len(keys)
    for item in feed.items:
        assert item.key
        assert item.content_html or item.url.startswith(("http://", "https://"))
        if item.published_at is not None:
            assert datetime.fromisoformat(item.published_at).utcoffset() is not None


@pytest.mark.corpora
def test_every_corpus_file_parses_or_is_refused_cleanly(corpora: Path) -> None:
    """Over all 2,250 files (feedparser's edge cases included): parse_feed never raises anything
    but FeedParseError, refuses only documents without entries, and never invents items."""
    assert ROWS, f"manifest not found at {MANIFEST}"
    problems = []
    for row in ROWS:
        expected = int(row["n_entries"])
        try:
            feed = _parse_corpus_file(corpora, row["path"])
        except FeedParseError as exc:
            if expected:
                problems.append(f"{row['path']}: refused ({exc}) but has {expected} entries")
            continue
        if len(feed.items) > min(expected, MAX_ITEMS):
            problems.append(f"{row['path']}: {len(feed.items)} items, manifest {expected}")
    assert problems == []


# --- RSS 2.0 -------------------------------------------------------------------------------

RSS_FULL = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example  News</title>
  <link>https://www.example.org/</link>
  <language>en-US</language>
  <item>
    <title>Summit opens</title>
    <link>https://www.example.org/2024/summit?utm_source=rss&amp;id=7</link>
    <guid isPermaLink="false">example-7</guid>
    <description>&lt;p&gt;Leaders &lt;b&gt;meet&lt;/b&gt; today.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Leaders meet today in <a href="/city">the city</a>.</p>
      <script>steal()</script><p>Second paragraph of the full text.</p>]]></content:encoded>
    <pubDate>Wed, 17 Oct 2018 10:30:00 +0200</pubDate>
    <dc:creator>Jane Doe</dc:creator>
    <dc:language>fr-FR</dc:language>
  </item>
  <item>
    <title>No guid here</title>
    <link>https://WWW.Example.org:443/2024/other#comments</link>
    <description>Short.</description>
  </item>
</channel>
</rss>"""


def test_rss2_with_content_encoded() -> None:
    feed = parse_feed(RSS_FULL, url=FEED_URL)

    assert feed.title == "Example News"
    assert feed.link == "https://www.example.org/"
    assert feed.warnings == []
    first, second = feed.items
    assert first.key == "example-7"
    assert first.url == "https://www.example.org/2024/summit?utm_source=rss&id=7"
    assert first.title == "Summit opens"
    assert first.summary == "Leaders meet today."
    assert "Second paragraph of the full text." in first.content_html
    # relative links in content resolve against the document (the feed URL)
    assert '<a href="https://feeds.example.org/city">' in first.content_html
    assert "<script" not in first.content_html  # sanitised by feedparser
    assert first.published_at == "2018-10-17T08:30:00+00:00"
    assert first.author == "Jane Doe"
    assert first.language == "fr"  # the item's own dc:language wins
    # no GUID: the key is the canonical link; the link itself stays as published
    assert second.key == "https://www.example.org/2024/other"
    assert second.url == "https://WWW.Example.org:443/2024/other#comments"
    assert second.content_html == ""
    assert second.published_at is None
    assert second.language == "en"  # from the channel's en-US


@pytest.mark.corpora
def test_rss2_content_encoded_corpus(corpora: Path) -> None:
    feed = _parse_corpus_file(corpora, "rbren-rss-parser/test/input/content-encoded.rss")
    assert feed.items
    for item in feed.items:
        assert len(item.content_html) > len(item.summary)


# --- Atom ----------------------------------------------------------------------------------

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de-AT">
  <title type="html">Der &lt;i&gt;Feed&lt;/i&gt;</title>
  <link rel="alternate" href="https://atom.example.com/"/>
  <id>urn:example:feed</id>
  <updated>2024-03-01T12:00:00Z</updated>
  <entry xml:lang="es">
    <id>tag:atom.example.com,2024:1</id>
    <title>Cumbre</title>
    <link rel="alternate" href="/es/cumbre"/>
    <summary>Resumen breve</summary>
    <content type="html">&lt;p&gt;short&lt;/p&gt;</content>
    <updated>2024-03-01T12:00:00+01:00</updated>
    <author><name>Ana</name></author>
  </entry>
  <entry>
    <id>tag:atom.example.com,2024:2</id>
    <title>Text only</title>
    <content type="text">First paragraph &amp; more.

Second paragraph.</content>
    <published>2024-02-29T23:59:59Z</published>
  </entry>
</feed>"""


def test_atom() -> None:
    feed = parse_feed(ATOM, url="https://atom.example.com/feed.atom")

    assert feed.title == "Der Feed"
    assert feed.link == "https://atom.example.com/"
    first, second = feed.items
    assert first.key == "tag:atom.example.com,2024:1"
    assert first.url == "https://atom.example.com/es/cumbre"
    assert first.summary == "Resumen breve"
    assert first.content_html == "<p>short</p>"
    assert first.published_at == "2024-03-01T11:00:00+00:00"
    assert first.author == "Ana"
    assert first.language == "es"
    # an entry without a link is kept for its content; its tag: id is no URL
    assert second.url == ""
    assert second.key == "tag:atom.example.com,2024:2"
    assert second.content_html == "<p>First paragraph &amp; more.</p><p>Second paragraph.</p>"
    assert second.published_at == "2024-02-29T23:59:59+00:00"
    assert second.language == "de"


@pytest.mark.corpora
def test_atom_corpus(corpora: Path) -> None:
    feed = _parse_corpus_file(corpora, "miniflux/internal/reader/parser/testdata/small_atom.xml")
    assert len(feed.items) == 20
    assert all(item.url.startswith("http") for item in feed.items)
    assert all(item.published_at for item in feed.items)


# --- RSS 1.0 / RDF -------------------------------------------------------------------------

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.net/">
    <title>RDF channel</title>
    <link>https://rdf.example.net/</link>
    <dc:language>nl</dc:language>
  </channel>
  <item rdf:about="https://rdf.example.net/a">
    <title>A</title>
    <link>https://rdf.example.net/a</link>
    <description>About A</description>
    <dc:date>2023-05-06T07:08:09Z</dc:date>
    <dc:creator>Piet</dc:creator>
  </item>
</rdf:RDF>"""


def test_rdf() -> None:
    feed = parse_feed(RDF, url="https://rdf.example.net/index.rdf")
    assert feed.title == "RDF channel"
    (item,) = feed.items
    assert item.url == "https://rdf.example.net/a"
    assert item.summary == "About A"
    assert item.published_at == "2023-05-06T07:08:09+00:00"
    assert item.author == "Piet"
    assert item.language == "nl"


@pytest.mark.corpora
def test_rdf_corpus(corpora: Path) -> None:
    feed = _parse_corpus_file(corpora, "rbren-rss-parser/test/input/craigslist.rss")
    assert len(feed.items) == 25
    assert all(urllib.parse.urlsplit(item.url).hostname for item in feed.items)


# --- links and keys ------------------------------------------------------------------------


@pytest.mark.corpora
def test_relative_link_resolved_against_feed_url(corpora: Path) -> None:
    # feedparser's own case: "item link relative to document URI"
    path = "feedparser-tests/tests/wellformed/base/http_item_link_base_docuri.xml"
    feed = _parse_corpus_file(corpora, path, url="http://127.0.0.1:8097/feed.xml")
    assert [item.url for item in feed.items] == ["http://127.0.0.1:8097/relative/uri"]


def test_relative_links_in_a_subdirectory() -> None:
    body = b"""<rss version="2.0"><channel><title>T</title><link>/</link>
      <item><title>a</title><link>story/1.html</link></item>
      <item><title>b</title><link>../up.html</link></item>
      <item><title>c</title><link>//cdn.example.org/x</link></item>
    </channel></rss>"""
    feed = parse_feed(body, url="https://example.org/feeds/main.xml")
    assert feed.link == "https://example.org/"
    assert [item.url for item in feed.items] == [
        "https://example.org/feeds/story/1.html",
        "https://example.org/up.html",
        "https://cdn.example.org/x",
    ]


def test_keys_without_guid() -> None:
    body = b"""<rss version="2.0"><channel><title>T</title>
      <item><title>a</title><link>https://example.org/a?utm_medium=rss&amp;fbclid=1</link></item>
      <item><title>Only text</title><description>first body</description>
        <content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"
          >&lt;p&gt;one&lt;/p&gt;</content:encoded></item>
      <item><title>Only text</title><description>second body</description>
        <content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"
          >&lt;p&gt;two&lt;/p&gt;</content:encoded></item>
    </channel></rss>"""
    first = parse_feed(body, url=FEED_URL)
    again = parse_feed(body, url=FEED_URL)
    link_item, text_a, text_b = first.items
    assert link_item.key == "https://example.org/a"
    assert text_a.key.startswith("sha:")
    assert text_a.key != text_b.key  # title + summary tell them apart
    assert [i.key for i in again.items] == [i.key for i in first.items]  # stable


def test_items_without_link_or_content_are_skipped() -> None:
    body = b"""<rss version="2.0"><channel><title>T</title>
      <item><title>kept</title><link>https://example.org/k</link></item>
      <item><title>title only</title></item>
      <item><title>bad link</title><link>javascript:alert(1)</link></item>
    </channel></rss>"""
    feed = parse_feed(body, url=FEED_URL)
    assert [item.title for item in feed.items] == ["kept"]
    assert _skip_warnings(feed) == [
        "item 2 skipped: no link and no content",
        "item 3 skipped: no link and no content",
    ]
    assert "item 3: link 'javascript:alert(1)' ignored (not http/https)" in feed.warnings


def test_item_cap() -> None:
    items = b"".join(
        b"<item><title>n%d</title><link>https://example.org/%d</link></item>" % (i, i)
        for i in range(MAX_ITEMS + 5)
    )
    body = b'<rss version="2.0"><channel><title>Big</title>' + items + b"</channel></rss>"
    feed = parse_feed(body, url=FEED_URL)
    assert len(feed.items) == MAX_ITEMS
    assert feed.items[-1].url == f"https://example.org/{MAX_ITEMS - 1}"
    assert f"feed has {MAX_ITEMS + 5} items; only the first {MAX_ITEMS} are used" in feed.warnings


def test_feed_without_items_is_not_an_error() -> None:
    body = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    feed = parse_feed(body, url=FEED_URL)
    assert feed.title == "Quiet"
    assert feed.items == []


# --- broken input --------------------------------------------------------------------------


def test_malformed_xml_with_entries_is_recovered() -> None:
    body = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>https://example.org/a</link></item>
<item><title>B &nbspx; broken</title><link>https://example.org/b</link></item>
</channel></rss>"""
    feed = parse_feed(body, url=FEED_URL)
    assert [item.url for item in feed.items] == ["https://example.org/a", "https://example.org/b"]
    assert feed.warnings == [
        "feed is not well-formed (XML syntax error at line 4: undefined entity); "
        "kept what could be read"
    ]


def test_truncated_feed_keeps_complete_items() -> None:
    body = b"""<rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>https://example.org/a</link></item>
<item><title>B</title><link>https://example.org/b</li"""
    feed = parse_feed(body, url=FEED_URL)
    assert feed.items[0].url == "https://example.org/a"
    assert any("not well-formed" in w for w in feed.warnings)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"<?xml version='1.0'?>\n<data>\n<a></b>\n</data>",
            "XML syntax error at line 3: mismatched tag",
        ),
        (b"<data>\n<a></b>\n</data>", "XML syntax error at line 2: mismatched tag"),
        (b"\x00\x01\xff garbage", "XML syntax error at line 1: "),
        (b"just some text", "XML syntax error at line 1: syntax error"),
    ],
)
def test_not_xml(body: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=f"^{message}") as info:
        parse_feed(body, url=FEED_URL)
    assert info.value.retryable is False


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html>\n<html><head><title>Home</title></head><body><p>hi</p></body></html>",
        b"\n  <html lang='en'><body>Subscribe!</body></html>",
        b"<head><title>Document Moved</title></head><body>moved</body>",
    ],
)
def test_html_page_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(FeedParseError, match=r"^not a feed: looks like an HTML page$"):
        parse_feed(body, url=FEED_URL)


@pytest.mark.corpora
def test_html_page_from_corpus(corpora: Path) -> None:
    with pytest.raises(FeedParseError, match="looks like an HTML page"):
        _parse_corpus_file(corpora, "rbren-rss-parser/test/input/unrecognized.rss")


@pytest.mark.parametrize("body", [b"", b"  \n\t "])
def test_empty_body(body: bytes) -> None:
    with pytest.raises(FeedParseError, match="empty body"):
        parse_feed(body, url=FEED_URL)


def test_json_is_not_a_feed() -> None:
    with pytest.raises(FeedParseError, match="looks like JSON"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1"}', url=FEED_URL)


def test_other_xml_is_not_a_feed() -> None:
    body = b"<?xml version='1.0'?><urlset><url><loc>https://e.org/</loc></url></urlset>"
    with pytest.raises(FeedParseError, match=r"root element <urlset> is not RSS, Atom or RDF"):
        parse_feed(body, url=FEED_URL)


def test_external_entities_are_never_resolved() -> None:
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>T</title>
<item><title>A &xxe; B</title><link>https://example.org/a</link></item></channel></rss>"""
    feed = parse_feed(body, url=FEED_URL)
    assert "root:" not in feed.items[0].title
    assert feed.items[0].url == "https://example.org/a"


def test_entity_expansion_bomb_is_not_expanded() -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol1 "lol">' + entities + "]>"
        '<rss version="2.0"><channel><title>T</title><item><title>&lol9;</title>'
        "<link>https://example.org/a</link></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, url=FEED_URL)
    assert len(feed.items[0].title) < 100


CYRILLIC_RSS = (
    '<rss version="2.0"><channel><title>Новости</title><item><title>Привет мир</title>'
    "<link>http://example.com/1</link></item></channel></rss>"
)


def test_the_http_charset_is_used_when_the_document_declares_none() -> None:
    body = CYRILLIC_RSS.encode("cp1251")  # no XML declaration, no BOM: only HTTP says cp1251
    parsed = parse_feed(
        body,
        url="http://example.com/feed",
        content_type="application/rss+xml; charset=windows-1251",
    )
    assert (parsed.title, parsed.items[0].title) == ("Новости", "Привет мир")
    assert parsed.warnings == []


def test_the_documents_own_declaration_wins_over_the_http_charset() -> None:
    body = ('<?xml version="1.0" encoding="utf-8"?>' + CYRILLIC_RSS).encode()
    parsed = parse_feed(
        body, url="http://example.com/feed", content_type="text/xml; charset=ISO-8859-1"
    )
    assert parsed.items[0].title == "Привет мир"


def test_an_unknown_http_charset_is_ignored() -> None:
    body = CYRILLIC_RSS.encode()
    parsed = parse_feed(body, url="http://example.com/feed", content_type="text/xml; charset=bogus")
    assert parsed.items[0].title == "Привет мир"


def _rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><ttl>60</ttl>'
        f"<link>https://news.example.org/</link>{''.join(items)}</channel></rss>"
    ).encode()


def _rss_item(n: int, text: str = "text") -> str:
    return (
        f"<item><title>Story {n}</title><link>https://news.example.org/{n}</link>"
        f"<description><![CDATA[<p>{text} <item>{n}</item></p>]]></description>"
        "<pubDate>Mon, 30 Nov 2026 06:00:00 GMT</pubDate></item>"
    )


def test_with_the_last_parse_s_hashes_only_items_written_since_are_read() -> None:
    before = parse_feed(_rss(_rss_item(2), _rss_item(1), _rss_item(0)), url=FEED_URL)
    now = _rss(_rss_item(3), _rss_item(2, "edited"), _rss_item(1), _rss_item(0))
    whole = parse_feed(now, url=FEED_URL)

    partial = parse_feed(now, url=FEED_URL, known=before.item_hashes)

    assert (before.partial, whole.partial, partial.partial) == (False, False, True)
    assert [i.title for i in partial.items] == ["Story 3", "Story 2"]  # new, and edited
    assert partial.items == whole.items[:2]  # read exactly as a whole parse reads them
    assert partial.item_hashes == whole.item_hashes and len(whole.item_hashes) == 4
    assert (partial.in_feed, partial.title, partial.ttl, partial.link) == (
        4, whole.title, whole.ttl, whole.link,
    )  # fmt: skip
    nothing_new = parse_feed(now, url=FEED_URL, known=whole.item_hashes)
    assert (nothing_new.partial, nothing_new.items, nothing_new.in_feed) == (True, [], 4)


def test_the_whole_feed_is_read_when_the_items_left_do_not_read_as_one_entry_each() -> None:
    before = parse_feed(_rss(_rss_item(1)), url=FEED_URL)
    # an item split across another's markup: its spans do not pair up, nothing is skipped
    odd = _rss(_rss_item(2).replace("</item>", ""), _rss_item(1))
    parsed = parse_feed(odd, url=FEED_URL, known=before.item_hashes)
    assert not parsed.partial
    assert parsed.items == parse_feed(odd, url=FEED_URL).items


@pytest.mark.skipif(not REAL_CAPTURES, reason="shared corpora not found")
def test_a_new_item_in_real_feeds_is_read_alone_and_as_a_whole_parse_reads_it() -> None:
    """Every real capture of two items or more, its first item taken as the new one."""
    checked = 0
    for row in REAL_CAPTURES:
        body = (CORPORA / "feeds" / row["path"]).read_bytes()
        whole = parse_feed(body, url=FEED_URL)
        if len(set(whole.item_hashes)) < 2 or not whole.items:
            continue
        partial = parse_feed(body, url=FEED_URL, known=whole.item_hashes[1:])
        assert partial.partial, row["path"]
        assert partial.items == whole.items[:1], row["path"]  # the same item, read the same
        checked += 1
    assert checked >= 10
