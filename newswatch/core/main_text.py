"""The main text of a parsed page: trafilatura's fast mode (no fallback extractors)."""

from __future__ import annotations

import trafilatura
from lxml.html import HtmlElement


def main_text(tree: HtmlElement, url: str) -> str:
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        with_metadata=False,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
    )
    if doc is None or isinstance(doc, dict):
        return ""
    return (doc.text or "").strip()
