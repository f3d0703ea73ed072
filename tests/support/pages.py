"""Realistic article pages for tests: a real article's text inside real-looking boilerplate."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class Outlet:
    """One publisher's page chrome: what differs between two sites carrying the same story."""

    name: str
    byline: str
    nav: tuple[str, ...]
    popular: tuple[str, ...]
    footer: str


OUTLETS = (
    Outlet(
        "Global Happenings",
        "By Newsroom Staff",
        ("World", "Politics", "Business", "Sport", "Culture", "Newsletter"),
        (
            "Ten recipes for a rainy weekend",
            "Stock markets close higher on tech rally",
            "Local team wins the cup after penalties",
        ),
        "Subscribe to our newsletter for the latest news delivered to your inbox.",
    ),
    Outlet(
        "The Evening Courier",
        "Courier wire desk",
        ("Home", "News", "Opinion", "Money", "Travel", "Puzzles"),
        (
            "Why rents are rising fastest in small towns",
            "Our critics pick the albums of the month",
            "Crossword: today's answers",
        ),
        "The Evening Courier is published by Courier Media Group. Registered in Ireland.",
    ),
    Outlet(
        "Borderlands Daily",
        "Agencies",
        ("Latest", "Region", "Economy", "Science", "Video", "Podcasts"),
        (
            "Inside the race to build cheaper batteries",
            "Five walks to take before winter",
            "Weather: storm warning for the coast",
        ),
        "Borderlands Daily uses cookies to improve your experience. Manage preferences.",
    ),
)

_PAGE_HEAD = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title} | {site}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta name="author" content="{byline}">
<meta property="article:published_time" content="2023-03-17T12:00:00+00:00">
<link rel="canonical" href="{canonical}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="logo">{site}</div>
  <nav><ul>{nav}</ul></nav>
  <form role="search"><input name="q" placeholder="Search"></form>
</header>
<main id="main">
<article>
<h1>{title}</h1>
<p class="byline">{byline} · <time datetime="2023-03-17">17 March 2023</time></p>
"""

_PAGE_TAIL = """
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a></div>
</article>
<aside class="most-popular"><h2>Most popular</h2><ol>{popular}</ol></aside>
</main>
<footer><p>© 2023 {site}. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li>
<li><a href="/contact">Contact</a></li></ul>
<p>{footer}</p></footer>
</body>
</html>
"""


def article_page(
    title: str,
    paragraphs: list[str],
    *,
    canonical: str = "",
    lang: str = "en",
    outlet: Outlet = OUTLETS[0],
) -> bytes:
    """A whole article page: ``outlet``'s chrome around the headline and paragraphs."""
    esc = html.escape
    fields = {
        "title": esc(title),
        "site": esc(outlet.name),
        "byline": esc(outlet.byline),
        "canonical": esc(canonical),
        "lang": lang,
        "nav": "".join(f'<li><a href="/{esc(n.lower())}">{esc(n)}</a></li>' for n in outlet.nav),
        "popular": "".join(
            f'<li><a href="/p{i}">{esc(t)}</a></li>' for i, t in enumerate(outlet.popular)
        ),
        "footer": esc(outlet.footer),
    }
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return (_PAGE_HEAD.format(**fields) + body + _PAGE_TAIL.format(**fields)).encode("utf-8")


def seed_article(corpora: Path) -> tuple[str, list[str]]:
    """Title and paragraphs of the real syndicated article in the shared corpora."""
    lines = [line.strip() for line in (corpora / "seed-article.txt").read_text().splitlines()]
    lines = [line for line in lines if line and line != "Skip to content"]
    # the capture ends with the page's own share/footer lines; keep the story
    end = next(i for i, line in enumerate(lines) if line.startswith("Source:"))
    return lines[0], lines[1:end]


UNRELATED_TITLE = "Community gardens bloom as city expands allotment scheme"
UNRELATED_PARAGRAPHS = [
    "The city council has opened forty new allotment plots on the edge of the old railway "
    "yards, and the waiting list that once stretched to six years has fallen to eighteen months.",
    "Volunteers spent the winter clearing brambles, testing the soil and building raised beds "
    "for gardeners who use wheelchairs. Water butts collect rain from the roof of a new shed.",
    "Organisers say the plots have become a meeting place for retired neighbours, young "
    "families and students, who swap seeds, recipes and advice on keeping slugs off lettuces.",
    "A small orchard of heritage apple and pear trees has been planted along the southern "
    "fence, and a beekeeping club will install three hives in the spring.",
    "The scheme is paid for by plot rents and a grant from a local charity; the council plans "
    "to open another site next year if demand stays high.",
]
