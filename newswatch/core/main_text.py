"""The main text of a parsed page: trafilatura's fast mode, checked against cheap signals.

Fast mode (``fast=True``) skips trafilatura's comparison with its fallback extractors
(readability and jusText), which costs about half again as much. On most pages that changes
nothing; on some, fast mode keeps only a lead paragraph or a fragment of the page (the full
algorithm would have compared it with readability and kept the longer text), and on others it
keeps headlines, captions and link lists around the article that readability leaves out. So:

1. **Little text for the page**: when the fast text is under :data:`FALLBACK_SHARE` of the
   page's visible text, run the full algorithm and keep its text if it is clearly longer
   (:data:`FALLBACK_GAIN`).
2. **A cleaner candidate**: readability's text (the same fork trafilatura's full mode uses) is
   kept instead when it agrees with the fast text, that is almost all of it is found there
   (:data:`AGREEMENT`), and what the fast text adds are short lines (:data:`SHORT_LINES`
   characters on average: headings, captions, "related" links, newsletter boxes), not
   paragraphs.
3. **Two halves**: when the fast text and readability's are both substantial
   (:data:`MIN_PART` characters) and share almost nothing (under :data:`DISJOINT` of their
   shingles either way), each found another part of an article split over two containers
   (a lead block and the body, an "expand" section): both are kept.

The thresholds were chosen on the shared 181-page benchmark together with 711 article pages of
other publishers (the public WCXB development set): each is on a plateau where neighbouring
values score within 0.002, and readability is only trusted at 99 % agreement because below
that it cost recall on the other publishers' pages (``make eval`` prints the scores).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from copy import deepcopy

import trafilatura
from lxml.etree import tostring
from lxml.html import HtmlElement
from trafilatura.external import try_readability

from newswatch.core.text import tokenize

FALLBACK_SHARE = 0.15
FALLBACK_GAIN = 1.5
AGREEMENT = 0.99
SHORT_LINES = 80
DISJOINT = 0.1
MIN_PART = 500
_SHINGLE = 4
_PAGE_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"


@dataclasses.dataclass(frozen=True)
class MainText:
    text: str
    method: str  # "fast", "full" (fast mode had too little), "readability" (cleaner), "union"


def main_text(tree: HtmlElement, url: str) -> MainText:
    """The article text of ``tree`` (which is not modified)."""
    fast = _trafilatura(tree, url, fast=True)
    if len(fast) < FALLBACK_SHARE * _visible_length(tree):
        full = _trafilatura(tree, url, fast=False)
        if len(full) > FALLBACK_GAIN * len(fast):
            return MainText(full, "full")
    readable = _readability(tree)
    if readable and _cleaner(readable, fast):
        return MainText(readable, "readability")
    if _disjoint(readable, fast):
        return MainText(f"{fast}\n{readable}", "union")
    return MainText(fast, "fast")


def _trafilatura(tree: HtmlElement, url: str, *, fast: bool) -> str:
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        with_metadata=False,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
    )
    if doc is None or isinstance(doc, dict):
        return ""
    return (doc.text or "").strip()


def _readability(tree: HtmlElement) -> str:
    summary = try_readability(deepcopy(tree))  # it rewrites the tree it is given
    text = tostring(summary, method="text", encoding="unicode")
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _visible_length(tree: HtmlElement) -> int:
    return sum(len(piece.strip()) for piece in tree.xpath(_PAGE_TEXT))


def _cleaner(candidate: str, text: str) -> bool:
    """Whether ``candidate`` is ``text`` without some short lines around it."""
    if len(candidate) >= len(text):
        return False
    if _contained(candidate, text) < AGREEMENT:
        return False
    inside = " ".join(tokenize(candidate))
    extra = [line for line in text.splitlines() if " ".join(tokenize(line)) not in inside]
    return bool(extra) and sum(map(len, extra)) / len(extra) < SHORT_LINES


def _disjoint(one: str, other: str) -> bool:
    """Whether two substantial texts share (almost) nothing: each extractor found another
    part of an article split over two containers."""
    if min(len(one), len(other)) < MIN_PART:
        return False
    return _contained(one, other) < DISJOINT and _contained(other, one) < DISJOINT


def _contained(candidate: str, text: str) -> float:
    """The share of ``candidate``'s 4-word shingles that ``text`` holds too."""
    wanted = _shingles(candidate)
    total = sum(wanted.values())
    return sum((wanted & _shingles(text)).values()) / total if total else 0.0


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = tokenize(text)
    return Counter(tuple(words[i : i + _SHINGLE]) for i in range(max(1, len(words) - 3)))
