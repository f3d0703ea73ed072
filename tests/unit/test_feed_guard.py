"""The feed guard: what feedparser gets to see of a hostile feed (issue 11), and that an honest
feed passes through it unchanged."""

from __future__ import annotations

import codecs

import pytest

from newswatch.core import feed_guard
from newswatch.core.errors import FeedParseError
from newswatch.core.feed import MAX_AUTHOR_CHARS, MAX_TITLE_CHARS, parse_feed
from newswatch.core.feed_guard import MAX_ITEMS, guard_feed
from tests.support import hostile

BASE = "https://hostile.example"
URL = BASE + "/feed.xml"

HONEST = b"""<?xml version="1.0" encoding="utf-8"?>
<!-- a comment
over two lines -->
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Honest &amp; fair</title><link>https://honest.example/</link>
<item><title>One</title><link>https://honest.example/1</link>
<description><![CDATA[<p>Some <b>HTML</b></p>]]></description>
<dc:creator>Jane Doe</dc:creator><pubDate>Wed, 17 Oct 2018 10:30:00 +0200</pubDate></item>
</channel></rss>"""


def test_an_honest_feed_passes_unchanged_but_for_its_comments() -> None:
    guarded = guard_feed(HONEST)
    assert guarded.warnings == []
    assert guarded.items == 1
    # the comment is gone, its line break kept (so error line numbers stay true)
    assert guarded.body == HONEST.replace(b"<!-- a comment\nover two lines -->", b"\n")


def test_quadratic_authors_are_cut_before_feedparser() -> None:
    guarded = guard_feed(hostile.quadratic_authors(BASE))
    assert guarded.warnings == ["2 <author> field(s) cut (cap 256 bytes of text)"]
    assert len(guarded.body) < 2000

    feed = parse_feed(hostile.quadratic_authors(BASE), url=URL)
    assert [len(item.author) for item in feed.items] == [MAX_AUTHOR_CHARS, MAX_AUTHOR_CHARS]


def test_an_entity_bomb_is_defused_not_expanded() -> None:
    body = hostile.entity_bomb(BASE)
    guarded = guard_feed(body)
    assert b"<!ENTITY" not in guarded.body and b"x" * 1000 not in guarded.body
    assert guarded.warnings[0].startswith("the document declares 1 entities")

    feed = parse_feed(body, url=URL)
    (item,) = feed.items
    assert "x" * 1000 not in item.summary  # the reference stayed a reference
    assert any("entities are not expanded" in w for w in feed.warnings)


def test_a_huge_title_is_capped_before_and_after_parsing() -> None:
    body = hostile.huge_title(BASE)
    assert len(guard_feed(body).body) < 10_000

    (item,) = parse_feed(body, url=URL).items
    assert len(item.title) == MAX_TITLE_CHARS


def test_entries_beyond_the_bound_are_not_read() -> None:
    body = hostile.many_entries(BASE)
    guarded = guard_feed(body)
    assert guarded.items == 50_000
    assert guarded.body.count(b"<item>") == MAX_ITEMS
    assert guarded.warnings == [f"feed has 50000 items; only the first {MAX_ITEMS} are used"]
    # the channel is closed properly after the last item read
    assert guarded.body.endswith(b"</item></channel></rss>")


def test_fields_of_one_name_are_bounded_per_item() -> None:
    categories = "".join(f"<category>c{n}</category>" for n in range(1000))
    body = f"<rss><channel><item><title>t</title>{categories}</item></channel></rss>".encode()
    guarded = guard_feed(body)
    assert guarded.body.count(b"<category>") == feed_guard.MAX_REPEATS
    assert b"<title>t</title>" in guarded.body
    assert "ignored" in guarded.warnings[0]


def test_a_cut_field_ends_on_a_character_and_entity_boundary() -> None:
    title = ("é" * 3000 + "&amp;" * 10).encode()
    body = b"<rss><channel><item><title>" + title + b"</title></item></channel></rss>"
    cut = guard_feed(body).body
    text = cut.split(b"<title>")[1].split(b"</title>")[0]
    assert len(text) <= feed_guard.DEFAULT_FIELD_BYTES
    text.decode("utf-8")  # no half character
    assert cut.endswith(b"</title></item></channel></rss>")


def test_nested_markup_in_a_field_counts_against_its_total_cap() -> None:
    tags = "<b></b>" * 100_000  # no text at all, 700 KB of markup
    body = f"<feed><entry><title>{tags}</title><id>x</id></entry></feed>".encode()
    guarded = guard_feed(body)
    assert len(guarded.body) < feed_guard.FIELD_TOTAL_BYTES + 200
    assert b"<id>x</id>" in guarded.body


def test_an_atom_author_with_nested_elements_is_kept_whole() -> None:
    body = (
        b"<feed><entry><author><name>Ana</name><uri>https://a.example/ana</uri>"
        b"<email>ana@a.example</email></author></entry></feed>"
    )
    assert guard_feed(body).body == body


def test_deep_nesting_is_refused() -> None:
    body = b"<rss><channel><item><description>" + b"<div>" * 1000 + b"</description></item>"
    with pytest.raises(FeedParseError) as caught:
        guard_feed(body)
    assert caught.value.reason == "too_deep"


def test_utf16_is_read_as_utf8_so_the_caps_see_real_tags() -> None:
    text = '<?xml version="1.0" encoding="utf-16"?><rss><channel><title>Ünï</title></channel></rss>'
    for body in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), text.encode("utf-16-be")):
        guarded = guard_feed(body)
        assert guarded.body.startswith(b'<?xml version="1.0" encoding="utf-8"?><rss>')
        assert "Ünï".encode() in guarded.body


def test_undecodable_utf16_is_refused_with_the_reason() -> None:
    with pytest.raises(FeedParseError) as caught:
        guard_feed(codecs.BOM_UTF16_LE + b"<\x00r\x00\x00\xd8")
    assert caught.value.reason == "bad_encoding"


def test_an_external_doctype_is_kept_but_an_internal_subset_goes() -> None:
    netscape = (
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    )
    assert netscape in guard_feed(netscape + b"<rss></rss>").body
    subset = b'<!DOCTYPE rss [\n<!ENTITY a "b">\n<!ENTITY c "d">\n]>\n<rss></rss>'
    guarded = guard_feed(subset)
    assert guarded.body == b"\n\n\n\n<rss></rss>"
    assert "declares 2 entities" in guarded.warnings[0]


def test_unterminated_markup_ends_the_document_instead_of_looping() -> None:
    for tail in (b"<!-- never closed", b"<![CDATA[ never closed", b"<?pi", b"<item", b"<!x"):
        body = b"<rss><channel><title>t</title>" + tail * 3
        guarded = guard_feed(body)
        assert guarded.body.startswith(b"<rss><channel><title>t</title>")


def test_item_spans_cover_each_item_whatever_its_text_holds() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><description><![CDATA[<item>not one</item>]]></description>"
        b"</item>\n<!-- <item>nor this</item> --><item><title>b &lt;item&gt;</title></item>"
        b"</channel></rss>"
    )
    guarded = guard_feed(body)
    assert [guarded.body[a:b] for a, b in guarded.item_spans] == [
        b"<item><title>a</title><description><![CDATA[<item>not one</item>]]></description></item>",
        b"<item><title>b &lt;item&gt;</title></item>",
    ]


def test_item_spans_are_left_out_when_items_do_not_pair_up() -> None:
    nested = (
        b"<rss><channel><item><title>a</title><item><title>b</title></item></item></channel></rss>"
    )
    assert guard_feed(nested).item_spans == ()
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id></entry><entry><id>2</id>'
    assert len(guard_feed(atom + b"</entry></feed>").item_spans) == 2
    assert guard_feed(atom + b"</feed>").item_spans == ()  # the last one left open
