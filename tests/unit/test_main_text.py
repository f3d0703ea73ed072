"""Choosing the main text among trafilatura's fast mode, its full algorithm and readability."""

from __future__ import annotations

import pytest
from lxml.html import HtmlElement, fromstring

from newswatch.core import main_text as mt

PARAGRAPHS = [
    "Finance ministers met in Brussels on Tuesday and agreed on a timetable for new talks.",
    "The plan sets out three stages, beginning with a review of customs rules next spring.",
    "Officials from the smaller member states said they had won concessions on farm aid.",
    "A spokesman for the commission called the outcome a careful compromise worth keeping.",
    "Opposition parties in two capitals criticised the deal as vague and too slow to act.",
    "Markets barely moved after the announcement, with bond yields steady through Wednesday.",
    "Diplomats expect the leaders to endorse the timetable at their summit in late June.",
    "Several questions about funding were left open until the autumn budget negotiations.",
    "Farmers' unions welcomed the delay, saying they needed time to adapt their contracts.",
    "Exporters in the north asked for clearer guidance on paperwork before any change.",
    "The European parliament will debate the proposal in committee early next month.",
    "Analysts noted that similar schedules had slipped twice since the crisis of 2019, twice.",
]
BODY = "\n".join(PARAGRAPHS)


def test_readability_wins_when_fast_mode_only_adds_short_lines() -> None:
    fast = mt._Words(
        "\n".join(["Ministers agree a timetable", *PARAGRAPHS, "Sign up", "Most read"])
    )
    body = mt._Words(BODY)
    assert mt._cleaner(body, fast)
    # what fast mode adds is a paragraph: it stays
    extra_paragraph = "An analyst said the plan was the most detailed one yet, and " * 3
    assert not mt._cleaner(body, mt._Words(f"{BODY}\n{extra_paragraph}"))
    # readability found text fast mode did not have: no agreement
    longer = mt._Words(f"{BODY}\nA closing line fast mode never saw at all.")
    assert not mt._cleaner(longer, fast)
    # not shorter: nothing to gain
    assert not mt._cleaner(fast, fast)


def test_disjoint_halves_are_both_kept() -> None:
    lead, body = "\n".join(PARAGRAPHS[:6]), "\n".join(PARAGRAPHS[6:])
    assert mt._disjoint(mt._Words(lead), mt._Words(body))
    assert not mt._disjoint(mt._Words(lead), mt._Words(f"{lead}\n{body}"))  # one holds the other
    assert not mt._disjoint(mt._Words(lead), mt._Words("Short teaser line."))  # too little


def _lead_page(filler_copies: int, lead: str) -> HtmlElement:
    """A page with ``lead`` alone in its <article> and the paragraphs, ``filler_copies``
    times over, in <div> blocks around it (which fast mode leaves out)."""
    filler = "".join(f"<div class='c'><span>{p}</span></div>" for p in PARAGRAPHS * filler_copies)
    return fromstring(
        f"<html><body><article><p>{lead}</p></article><div id='rest'>{filler}</div></body></html>"
    )


LEAD = "The lead of the story, short and alone in its paragraph element here. " * 2


def test_fast_mode_keeping_a_lead_falls_back_to_the_full_algorithm() -> None:
    """A page whose article sits in blocks fast mode skips: the full algorithm's text is kept
    when fast mode found under FALLBACK_SHARE of the page's visible text (readability finds
    the blocks too, so the full algorithm is worth running)."""
    page = _lead_page(10, LEAD)
    fast = mt._trafilatura(page, "https://ex.com/a", fast=True)
    assert len(fast) < mt.FALLBACK_SHARE * mt._visible_length(page)
    got = mt.main_text(page, "https://ex.com/a")
    assert got.method == "full"
    assert len(got.text) > mt.FALLBACK_GAIN * len(fast)
    # with fewer blocks fast mode's lead is no longer little for the page: no fallback
    assert mt.main_text(_lead_page(3, LEAD), "https://ex.com/a").method != "full"


def test_the_full_algorithm_is_not_run_when_readability_agrees_with_fast_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Little text for the page (a short article in a long footer of links), but readability
    finds no more than fast mode: the full algorithm (fast mode again, then readability's
    comparison) is not run. Under MIN_TEXT characters it is (trafilatura asks jusText too)."""
    runs: list[bool] = []
    trafilatura = mt._trafilatura

    def counted(tree: HtmlElement, url: str, *, fast: bool) -> str:
        runs.append(fast)
        return trafilatura(tree, url, fast=fast)

    monkeypatch.setattr(mt, "_trafilatura", counted)
    links = "".join(
        f"<li><a href='/s/{i}'>Section number {i} of the site</a></li>" for i in range(300)
    )

    def page(paragraphs: int) -> HtmlElement:
        article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:paragraphs])
        return fromstring(
            f"<html><body><article>{article}</article><footer><ul>{links}</ul></footer>"
            "</body></html>"
        )

    got = mt.main_text(page(5), "https://ex.com/a")
    assert len(got.text) < mt.FALLBACK_SHARE * mt._visible_length(page(5))
    assert len(got.text) >= mt.MIN_TEXT
    assert got.text == "\n".join(PARAGRAPHS[:5])
    assert runs == [True]  # fast mode only
    runs.clear()
    got = mt.main_text(page(2), "https://ex.com/a")
    assert len(got.text) < mt.MIN_TEXT
    assert got.text == "\n".join(PARAGRAPHS[:2])
    assert runs == [True, False]  # too little text: the full algorithm is asked


def test_a_plain_article_stays_in_fast_mode() -> None:
    page = fromstring(
        "<html><head><title>Talks</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</article></body></html>"
    )
    got = mt.main_text(page, "https://ex.com/a")
    assert got.method in ("fast", "readability")
    assert all(p in got.text for p in PARAGRAPHS)
    assert "Home" not in got.text


def test_readability_runs_only_on_suspicious_pages() -> None:
    """Readability's text is compared where fast mode kept a line of the headline or found
    little of the page; a page whose fast text is its article alone skips it."""
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    plain = fromstring(
        "<html><head><title>Ministers agree a timetable for talks</title></head><body>"
        f"<article>{article}</article></body></html>"
    )
    got = mt.main_text(plain, "https://ex.com/a")
    assert not got.checked and got.method == "fast"
    headed = fromstring(
        "<html><head><title>Ministers agree a timetable for talks</title></head><body>"
        f"<article><h1>Ministers agree a timetable for talks</h1>{article}</article></body></html>"
    )
    fast = mt._trafilatura(headed, "https://ex.com/a", fast=True)
    assert "Ministers agree a timetable" in fast
    assert mt.main_text(headed, "https://ex.com/a").checked
    # the same article among a page of other text: fast mode's share is low
    other = "".join(f"<div><span>{p} {p}</span></div>" for p in PARAGRAPHS * 2)
    crowded = fromstring(
        f"<html><body><article>{article}</article><aside>{other}</aside></body></html>"
    )
    fast = mt._trafilatura(crowded, "https://ex.com/a", fast=True)
    if len(fast) < mt.CHECK_SHARE * mt._visible_length(crowded):
        assert mt.main_text(crowded, "https://ex.com/a").checked


def test_visible_length_leaves_out_scripts_and_styles() -> None:
    page = fromstring(
        "<html><head><title>T</title></head><body><p> Twelve chars </p>"
        "<script>var x = 1;</script><style>p {}</style><noscript>Enable it</noscript>"
        "<div>abc<span> de </span></div></body></html>"
    )
    assert mt._visible_length(page) == len("Twelve chars") + len("abc") + len("de")
