"""The GUID churn guard's memory keys: an item is also remembered by its canonical URL and its
title, so that when an established feed suddenly re-labels its items with new GUIDs (a CMS
migration, a proxy change), the "new" items are recognised before anything is queued."""

from __future__ import annotations

import contextlib

from newswatch.core.errors import InvalidURLError
from newswatch.core.models import FeedItem, short_hash
from newswatch.core.text import normalize_whitespace
from newswatch.core.urls import canonical_url

MIN_TITLE_CHARS = 16  # shorter titles ("Live", "Update") say too little to match on


def alt_keys(item: FeedItem) -> list[str]:
    """``u:`` + hash of the canonical URL, ``t:`` + hash of the normalised title."""
    out = []
    if item.url:
        with contextlib.suppress(InvalidURLError):
            out.append("u:" + short_hash("url", canonical_url(item.url)))
    title = normalize_whitespace(item.title).casefold()
    if len(title) >= MIN_TITLE_CHARS:
        out.append("t:" + short_hash("title", title))
    return out
