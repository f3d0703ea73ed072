"""The HTML handed to workers when the feed carries the article itself."""

from __future__ import annotations

from newswatch.core.models import FeedItem
from scheduler.pages import carries_full_text, feed_item_html, is_html, visible_text_length


def item(**fields: str) -> FeedItem:
    return FeedItem(key="k", url="https://example.org/a", **fields)


def test_visible_text_ignores_markup_scripts_and_extra_space() -> None:
    fragment = "<p>Hello   <b>world</b></p><script>var x = 'not text';</script><style>p{}</style>"
    assert visible_text_length(fragment) == len("Hello") + len("world")


def test_full_text_needs_more_than_the_threshold_of_visible_text() -> None:
    long_text = "<p>" + "word " * 300 + "</p>"
    assert carries_full_text(item(content_html=long_text))
    assert not carries_full_text(item(content_html="<p>" + "x" * 50 + "</p>"))
    assert not carries_full_text(item(summary="s " * 2000))  # a summary is not the article
    # markup does not count as text
    assert not carries_full_text(item(content_html="<div class='x'></div>" * 500))


def test_feed_item_html_wraps_content_and_escapes_title_and_summary() -> None:
    page = feed_item_html(
        item(title="A <b> & c", content_html="<p>Body</p>", language="fr")
    ).decode()
    assert '<html lang="fr">' in page
    assert "<title>A &lt;b&gt; &amp; c</title>" in page
    assert "<p>Body</p>" in page
    plain = feed_item_html(item(title="T", summary="1 < 2")).decode()
    assert "<p>1 &lt; 2</p>" in plain


def test_is_html_accepts_html_xhtml_plain_and_missing_types() -> None:
    assert is_html("text/html; charset=utf-8")
    assert is_html("application/xhtml+xml")
    assert is_html(None)
    assert not is_html("application/pdf")
    assert not is_html("image/png")
