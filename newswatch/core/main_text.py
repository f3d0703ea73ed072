"""The main text of a parsed page: trafilatura's fast mode, checked against cheap signals.

Fast mode (``fast=True``) skips trafilatura's comparison with its fallback extractors
(readability and jusText), which costs about half again as much. On most pages that changes
nothing; on some, fast mode keeps only a lead paragraph or a fragment of the page (the full
algorithm would have compared it with readability and kept the longer text), and on others it
keeps headlines, captions and link lists around the article that readability leaves out. So:

1. **Little text for the page**: when the fast text is under :data:`FALLBACK_SHARE` of the
   page's visible text, run the full algorithm and keep its text if it is clearly longer
   (:data:`FALLBACK_GAIN`). The full algorithm is fast mode's extraction run again, then
   compared with readability (and jusText), so it costs fast mode and more (20 to 170 ms on
   the benchmark's pages): it only runs when it can plausibly win, that is when readability's
   text (which the next steps need anyway) is itself :data:`FALLBACK_GAIN` times longer than
   the fast text, or the fast text is under :data:`MIN_TEXT` characters (where trafilatura's
   full algorithm asks jusText as well). On the shared benchmark the fallback was taken on 10
   of 181 pages and never changed the text (its text was fast mode's on all 10, and
   readability's no more than 5 % longer): 12 % of the extraction's time, now skipped.
2. **A cleaner candidate**: readability's text (the same fork trafilatura's full mode uses) is
   kept instead when it agrees with the fast text, that is almost all of it is found there
   (:data:`AGREEMENT`), and what the fast text adds are short lines (:data:`SHORT_LINES`
   characters on average: headings, captions, "related" links, newsletter boxes), not
   paragraphs.
3. **Two halves**: when the fast text and readability's are both substantial
   (:data:`MIN_PART` characters) and share almost nothing (under :data:`DISJOINT` of their
   shingles either way), each found another part of an article split over two containers
   (a lead block and the body, an "expand" section): both are kept.

Readability (with the comparisons after it, about a third of the cost of fast mode) only runs
on pages where one of its outcomes is plausible (:func:`_suspicious`): the fast text holds a
line of the page's headline (fast mode took a container wider than the article, so its
boundary lines are likely boilerplate that readability leaves out), or it is under
:data:`CHECK_SHARE` of the page's visible text (fast mode may hold only part of the
article). On the shared benchmark that is 58 % of the pages, and the choice is the same as
running readability everywhere on all 24 pages where readability's text won but one
(``make eval`` prints the scores and ``make bench`` the share of pages on each path).

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
from lxml.etree import XPath, tostring
from lxml.html import HtmlElement
from trafilatura.external import try_readability

from newswatch.core.text import line_words, tokenize

FALLBACK_SHARE = 0.15
FALLBACK_GAIN = 1.5
MIN_TEXT = 250  # trafilatura's MIN_EXTRACTED_SIZE: shorter, its full algorithm tries jusText
CHECK_SHARE = 0.4
_HEADLINE_CHARS = 12  # a line shorter than this matching the headline proves nothing
AGREEMENT = 0.99
SHORT_LINES = 80
DISJOINT = 0.1
MIN_PART = 500
_SHINGLE = 4
_HIDDEN = ("script", "style", "noscript")
_TEXT_NODES = XPath("descendant::text()", smart_strings=False)


@dataclasses.dataclass(frozen=True)
class MainText:
    text: str
    method: str  # "fast", "full" (fast mode had too little), "readability" (cleaner), "union"
    checked: bool = False  # whether readability's text was compared (see _suspicious)


def main_text(tree: HtmlElement, url: str, *, keep_tree: bool = True) -> MainText:
    """The article text of ``tree``, which is not modified unless ``keep_tree`` is False: a
    caller done with the tree lets readability rewrite it in place rather than on a copy (a
    deep copy costs about a quarter of readability's run)."""
    fast = _trafilatura(tree, url, fast=True)
    visible = _visible_length(tree)
    readable: str | None = None
    if len(fast) < FALLBACK_SHARE * visible:
        readable = _readability(tree)  # suspicious too (under CHECK_SHARE): needed below
        if len(fast) < MIN_TEXT or len(readable) > FALLBACK_GAIN * len(fast):
            full = _trafilatura(tree, url, fast=False)
            if len(full) > FALLBACK_GAIN * len(fast):
                return MainText(full, "full")
    if not _suspicious(tree, fast, visible):
        return MainText(fast, "fast")
    if readable is None:
        readable = _readability(tree, copy=keep_tree)  # the tree's last use here
    fast_words, readable_words = _Words(fast), _Words(readable)
    if readable and _cleaner(readable_words, fast_words):
        return MainText(readable, "readability", checked=True)
    if _disjoint(readable_words, fast_words):
        return MainText(f"{fast}\n{readable}", "union", checked=True)
    return MainText(fast, "fast", checked=True)


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


def _readability(tree: HtmlElement, *, copy: bool = True) -> str:
    summary = try_readability(deepcopy(tree) if copy else tree)  # it rewrites its tree
    text = tostring(summary, method="text", encoding="unicode")
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _visible_length(tree: HtmlElement) -> int:
    """Characters of the body's text, stripped piece by piece, outside scripts and styles.
    The pieces are what ``itertext()`` yields (the text and tails inside an element, not its
    own tail, no comments), read by one XPath as plain strings: half the time."""
    body = tree.find("body")
    if body is None:
        return 0
    hidden = sum(_stripped_length(el) for el in body.iter(*_HIDDEN))
    return _stripped_length(body) - hidden


def _stripped_length(element: HtmlElement) -> int:
    return sum(map(len, map(str.strip, _TEXT_NODES(element))))


def _suspicious(tree: HtmlElement, fast: str, visible: int) -> bool:
    """Whether readability's text could win over ``fast``: fast mode found little of the page,
    or kept a line of the headline (see the module docstring)."""
    if len(fast) < CHECK_SHARE * visible:
        return True
    headlines = _headlines(tree)
    if not headlines:
        return False
    for words in line_words(fast):
        if len(words) >= _HEADLINE_CHARS and any(words in headline for headline in headlines):
            return True
    return False


def _headlines(tree: HtmlElement) -> list[str]:
    """The words of the page's ``<title>``, ``<h1>`` and og:title, each joined by spaces
    (those with none left out), found in one walk of the tree: an XPath for og:title, a second
    walk, cost more than the first."""
    found = []
    for element in tree.iter("title", "h1", "meta"):
        if element.tag != "meta":
            text = element.text_content()
        elif element.get("property") == "og:title":
            text = element.get("content") or ""
        else:
            continue
        if words := " ".join(tokenize(text)):
            found.append(words)
    return found


class _Words:
    """A text's words, tokenised once, and its 4-word shingles, counted once when asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = tokenize(text)
        self._shingles: Counter[tuple[str, ...]] | None = None
        self._repeated: set[tuple[str, ...]] | None = None

    @property
    def shingles(self) -> Counter[tuple[str, ...]]:
        if self._shingles is None:
            words = self.words
            if len(words) <= _SHINGLE:  # a short text is one shingle
                self._shingles = Counter([tuple(words)])
            else:  # the word tuples zipped in C (the shifted copies end unevenly, by design)
                shifted = (words[k:] for k in range(_SHINGLE))
                self._shingles = Counter(zip(*shifted, strict=False))
        return self._shingles

    @property
    def repeated(self) -> set[tuple[str, ...]]:
        """The shingles that occur more than once."""
        if self._repeated is None:
            shingles = self.shingles
            if shingles.total() == len(shingles):  # none repeats: no loop over them
                self._repeated = set()
            else:
                self._repeated = {k for k, n in shingles.items() if n > 1}
        return self._repeated


def _cleaner(candidate: _Words, text: _Words) -> bool:
    """Whether ``candidate`` is ``text`` without some short lines around it."""
    if len(candidate.text) >= len(text.text):
        return False
    if _contained(candidate, text) < AGREEMENT:
        return False
    inside = " ".join(candidate.words)
    extra = [line for line in text.text.splitlines() if " ".join(tokenize(line)) not in inside]
    return bool(extra) and sum(map(len, extra)) / len(extra) < SHORT_LINES


def _disjoint(one: _Words, other: _Words) -> bool:
    """Whether two substantial texts share (almost) nothing: each extractor found another
    part of an article split over two containers."""
    if min(len(one.text), len(other.text)) < MIN_PART:
        return False
    return _contained(one, other) < DISJOINT and _contained(other, one) < DISJOINT


def _contained(candidate: _Words, text: _Words) -> float:
    """The share of ``candidate``'s 4-word shingles that ``text`` holds too."""
    wanted, have = candidate.shingles, text.shingles
    total = wanted.total()
    # what ``wanted & have`` counts, without building that Counter or a loop over every key:
    # each shared key counts one, and more only where it repeats on both sides (rarely)
    keys = wanted.keys() & have.keys()
    repeated = keys & candidate.repeated & text.repeated
    shared = len(keys) + sum(min(wanted[k], have[k]) - 1 for k in repeated)
    return shared / total if total else 0.0
