"""OPML: other readers' exports read with listparser, what their entries become, and the OPML
2.0 document newswatch writes."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from newswatch.core.catalog import Feed
from newswatch.core.errors import ConfigError
from newswatch.core.opml import OpmlEntry, export_opml, feed_inputs
from newswatch.opml import MAX_OPML_BYTES, parse_opml, read_opml_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opml"


def test_miniflux_titles_become_names_a_shared_one_with_its_folder() -> None:
    inputs = [raw for _, raw in feed_inputs(read_opml_file(FIXTURES / "miniflux.opml"))]
    assert inputs == [
        {"url": "https://www.aljazeera.com/xml/rss/all.xml", "name": "Al Jazeera English"},
        {"url": "https://www.vox.com/rss/index.xml", "name": "Vox"},
        {"url": "https://feeds.bbci.co.uk/news/world/europe/rss.xml", "name": "Europe / Europe"},
        {"url": "https://www.lemonde.fr/international/rss_full.xml",
         "name": 'Le Monde "International"'},
        {"url": "https://www.espn.com/espn/rss/soccer/news?league=uefa.europa",
         "name": "Sport / Europe"},
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "count"), [("freshrss.opml", 4), ("feedly.opml", 4)])
def test_freshrss_and_feedly_exports_are_read(name: str, count: int) -> None:
    entries = read_opml_file(FIXTURES / name)
    assert len(entries) == count
    assert all(e.url.startswith("https://") and e.title for e in entries)
    assert entries[0].categories in ((("Uncategorized",),), (("News",),))


def test_names_are_cleaned_and_capped() -> None:
    entry = OpmlEntry(1, "https://a.example/rss", "A\x00 " + "x" * 300)
    ((_, raw),) = feed_inputs([entry])
    assert raw["name"].startswith("A  x") and len(raw["name"]) == 200
    url_only = OpmlEntry(2, "https://b.example/rss", "https://b.example/rss")
    assert feed_inputs([url_only])[0][1] == {"url": "https://b.example/rss"}


def test_what_is_not_an_opml_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not an OPML subscription list"):
        parse_opml(b"<rss version='2.0'><channel/></rss>", source="x.xml")
    with pytest.raises(ConfigError, match="not an OPML subscription list"):
        parse_opml(b"\x00\x01 not xml", source="x.xml")
    big = tmp_path / "big.opml"
    big.write_bytes(b" " * (MAX_OPML_BYTES + 1))
    with pytest.raises(ConfigError, match="larger than 10 MB"):
        read_opml_file(big)
    with pytest.raises(ConfigError, match="cannot read it"):
        read_opml_file(tmp_path / "missing.opml")


def test_a_url_is_never_fetched() -> None:
    # listparser fetches a str that looks like a URL: newswatch only ever hands it bytes
    with pytest.raises(ConfigError, match="not an OPML subscription list"):
        parse_opml(b"https://127.0.0.1:1/list.opml", source="x")


def test_the_export_is_opml_2_0_that_reads_back() -> None:
    feeds = [
        Feed("https://a.example/rss", name='A & "B" <C>'),
        Feed("https://b.example/atom.xml?x=1&y=2"),
    ]
    document = export_opml(feeds, title="newswatch feeds", created="Mon, 30 Nov 2026 06:00:00 GMT")
    root = ElementTree.fromstring(document)
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert root.tag == "opml" and root.get("version") == "2.0"
    head, body = list(root)
    assert head.findtext("title") == "newswatch feeds"
    assert head.findtext("dateCreated") == "Mon, 30 Nov 2026 06:00:00 GMT"
    assert head.findtext("docs") == "http://opml.org/spec2.opml"
    outlines = body.findall("outline")
    # the spec: every outline has text; a subscription has type="rss" and xmlUrl
    assert [(o.get("type"), o.get("text"), o.get("title"), o.get("xmlUrl")) for o in outlines] == [
        ("rss", 'A & "B" <C>', 'A & "B" <C>', "https://a.example/rss"),
        ("rss", "https://b.example/atom.xml?x=1&y=2", None, "https://b.example/atom.xml?x=1&y=2"),
    ]
    again = parse_opml(document, source="export")
    assert [(e.url, e.title) for e in again] == [
        ("https://a.example/rss", 'A & "B" <C>'),
        ("https://b.example/atom.xml?x=1&y=2", "https://b.example/atom.xml?x=1&y=2"),
    ]
