"""Lists of links to other stories are dropped before extraction; an article's own lists stay."""

from __future__ import annotations

from lxml.html import fromstring

from newswatch.core.extract import extract_article
from newswatch.core.link_lists import drop_link_lists

STORY = [
    "The furniture maker said on Monday that most of the complaints about its plant were wrong.",
    "It found that the share of agency workers had gone above its own standard in August.",
    "The company said it was working closely with its supplier to solve the problem quickly.",
    "All workers had been paid for overtime, including bonuses, and none had been forced.",
    "A labour group had said the plant broke the country's labour law on temporary staff.",
    "The supplier did not answer questions sent by e-mail before this story was published.",
]
RELATED = [
    ("Premier to visit Russia from 16 to 18 September", "2019-09-09 15:32"),
    ("Wanted fugitive caught at a hotpot restaurant", "2019-09-09 15:29"),
    ("Harbour city picks a site for its third airport", "2019-09-09 17:18"),
    ("Two days, four statements over who plays the lead", "2019-09-09 19:18"),
]


def _page(related: str) -> str:
    body = "".join(f"<p>{line}</p>" for line in STORY)
    return (
        "<html><head><title>Maker answers labour complaints</title></head><body>"
        f"<article><h1>Maker answers labour complaints</h1>{body}{related}</article>"
        "</body></html>"
    )


def _related(items: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<li><a href='/news/{n}.html'>{title}</a> <span>{when}</span> <a href='/c'>Politics</a>"
        "</li>"
        for n, (title, when) in enumerate(items)
    )
    return f"<h3>Recommended</h3><ul class='news'>{rows}</ul>"


def test_a_list_of_other_stories_headlines_is_not_the_articles_text() -> None:
    page = _page(_related(RELATED))
    text = extract_article(page, url="https://example.com/a", max_bytes=1_000_000).text
    assert "furniture maker" in text
    assert "fugitive" not in text and "visit Russia" not in text


def test_an_articles_own_lists_stay() -> None:
    points = "".join(f"<li>{line}</li>" for line in STORY[:4])
    # a point with a link in it is still text: most of its letters are outside the link
    linked = "<li>The <a href='/law'>labour law</a> caps agency staff at a tenth of a plant</li>"
    tree = fromstring(_page(f"<ul>{points}{linked}</ul>"))
    assert drop_link_lists(tree) == 0
    assert "caps agency staff" in tree.text_content()


def test_what_makes_a_link_list() -> None:
    # two items are too few to tell
    assert drop_link_lists(fromstring(_page(_related(RELATED[:2])))) == 0
    tree = fromstring(_page(_related(RELATED)))
    assert drop_link_lists(tree) == 1
    assert "Recommended" in tree.text_content()  # only the list goes, not what is around it
    # one item in five that is text still leaves a link list; two in five do not
    mixed = _related(RELATED).replace("</ul>", "<li>Our newsletter, every morning at six</li></ul>")
    assert drop_link_lists(fromstring(_page(mixed))) == 1
    two = mixed.replace("</ul>", "<li>Subscribe to our paper for a year at half price</li></ul>")
    assert drop_link_lists(fromstring(_page(two))) == 0
    # a list nested in a dropped list is counted once
    nested = _related(RELATED).replace("</li>", "<ul><li><a href='/x'>Sub story</a></li></ul></li>")
    assert drop_link_lists(fromstring(_page(nested))) == 1


def test_the_text_after_a_dropped_list_stays() -> None:
    tree = fromstring(f"<html><body><div>{_related(RELATED)}closing words</div></body></html>")
    assert drop_link_lists(tree) == 1
    assert "closing words" in tree.text_content()


def test_lists_in_the_navigation_header_and_footer_are_left_to_the_extraction() -> None:
    for part in ("nav", "header", "footer"):
        tree = fromstring(f"<html><body><{part}>{_related(RELATED)}</{part}></body></html>")
        assert drop_link_lists(tree) == 0, part
