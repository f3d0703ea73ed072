"""Realistic article pages for tests: a real article's text inside real-looking boilerplate."""

from __future__ import annotations

import html
from pathlib import Path

_BOILERPLATE_HEAD = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title} | Global Happenings</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Global Happenings">
<meta name="author" content="Newsroom Staff">
<meta property="article:published_time" content="2023-03-17T12:00:00+00:00">
<link rel="canonical" href="{canonical}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <nav><ul>
    <li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
    <li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
    <li><a href="/culture">Culture</a></li><li><a href="/newsletter">Newsletter</a></li>
  </ul></nav>
  <form role="search"><input name="q" placeholder="Search"></form>
</header>
<main id="main">
<article>
<h1>{title}</h1>
<p class="byline">By Newsroom Staff · <time datetime="2023-03-17">17 March 2023</time></p>
"""

_BOILERPLATE_TAIL = """
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a></div>
</article>
<aside class="most-popular"><h2>Most popular</h2><ol>
  <li><a href="/a1">Ten recipes for a rainy weekend</a></li>
  <li><a href="/a2">Stock markets close higher on tech rally</a></li>
  <li><a href="/a3">Local team wins the cup after penalties</a></li>
</ol></aside>
</main>
<footer><p>© 2023 Global Happenings. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li>
<li><a href="/contact">Contact</a></li></ul>
<p>Subscribe to our newsletter for the latest news delivered to your inbox.</p></footer>
</body>
</html>
"""


def article_page(
    title: str, paragraphs: list[str], *, canonical: str = "", lang: str = "en"
) -> bytes:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    head = _BOILERPLATE_HEAD.format(
        title=html.escape(title), canonical=html.escape(canonical), lang=lang
    )
    return (head + body + _BOILERPLATE_TAIL).encode("utf-8")


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
