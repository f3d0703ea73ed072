"""Syndication variants of real article pages: what another outlet's copy of a wire story looks
like. Each variant puts the article's paragraphs, edited, inside another outlet's page chrome
(tests/support/pages.py), so it goes through extraction as a real copy would.

Kinds (each also changes the outlet and so the boilerplate):

- ``headline``: a new headline;
- ``drop``: one paragraph dropped (not the first);
- ``byline``: a byline paragraph added on top and a credit line at the end;
- ``rewrite``: one sentence rewritten (its words reordered, one word replaced);
- ``all``: every edit above at once.
"""

from __future__ import annotations

import dataclasses
import random
import re

from tests.support.pages import OUTLETS, article_page

KINDS = ("headline", "drop", "byline", "rewrite", "all")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclasses.dataclass(frozen=True)
class Variant:
    kind: str
    title: str
    page: bytes


def variants(title: str, paragraphs: list[str], *, seed: int) -> list[Variant]:
    """One variant of each kind of the article ``paragraphs``, reproducible from ``seed``."""
    rng = random.Random(seed)
    made = []
    for n, kind in enumerate(KINDS):
        outlet = OUTLETS[1 + n % (len(OUTLETS) - 1)]
        edits = {"headline", "drop", "byline", "rewrite"} if kind == "all" else {kind}
        body = list(paragraphs)
        headline = title
        if "headline" in edits:
            headline = _new_headline(title, rng)
        if "drop" in edits and len(body) > 1:
            del body[rng.randrange(1, len(body))]
        if "rewrite" in edits:
            body = _rewrite_one_sentence(body, rng)
        if "byline" in edits:
            body = [f"By Maria Lopez and agencies, {outlet.name}", *body]
            body.append(f"This article first appeared on the wire and was edited by {outlet.name}.")
        made.append(Variant(kind, headline, article_page(headline, body, outlet=outlet)))
    return made


def _new_headline(title: str, rng: random.Random) -> str:
    words = title.split()
    rng.shuffle(words)
    return rng.choice(["Explainer: ", "Live: ", "What we know: ", "Update: "]) + " ".join(words)


def _rewrite_one_sentence(paragraphs: list[str], rng: random.Random) -> list[str]:
    """One sentence of a random paragraph, its words reordered and one replaced."""
    if not paragraphs:
        return paragraphs
    index = rng.randrange(len(paragraphs))
    sentences = _SENTENCE.split(paragraphs[index])
    which = rng.randrange(len(sentences))
    words = sentences[which].split()
    if len(words) > 1:
        pivot = rng.randrange(1, len(words))
        words = words[pivot:] + words[:pivot]
        words[rng.randrange(len(words))] = "reportedly"
    sentences[which] = " ".join(words)
    edited = list(paragraphs)
    edited[index] = " ".join(sentences)
    return edited
