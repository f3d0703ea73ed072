"""What the catalogue's writers share beyond the pure validation: the checks every writer runs
on an item (the API's and the command line's, as a file's), and how an item is shown.

The checks add to :mod:`newswatch.core.validate` what core cannot know: the shipped topic pack
(``pack: NAME``) and whether apprise can send to a channel URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from newswatch import topics as topic_pack
from newswatch.core.catalog import Kind, Subscription
from newswatch.core.problems import Problem
from newswatch.core.times import iso_from_unix
from newswatch.core.validate import check_feed, check_subscription, check_topic
from newswatch.delivery.senders import apprise_problem
from newswatch.store.catalog import Entry

CHECKS: dict[Kind, Callable[[object], tuple[Any, list[Problem]]]] = {
    "feed": check_feed,
    "topic": lambda raw: check_topic(raw, packs=topic_pack.lookup),  # as a file's topics
    # channel URLs are checked as a file's are (apprise knows the URL, the guard allows it)
    "subscription": lambda raw: check_subscription(raw, channels=apprise_problem),
}


def entry_view(entry: Entry[Any]) -> dict[str, Any]:
    """An item as the API and the CLI show it: its fields, its id (feeds), who wrote it and
    when. A subscription's channel URLs and webhook secrets carry credentials: never shown
    whole."""
    item = entry.item
    view: dict[str, Any] = item.public_dict() if isinstance(item, Subscription) else item.to_dict()
    if "url" in view:
        view = {"id": entry.item.key, **view}
    view.update(origin=entry.origin, created_at=entry.created_at, updated_at=entry.updated_at)
    return view


def iso_times(state: dict[str, Any]) -> dict[str, Any]:
    """Poll-state times are unix numbers in Redis; people and JSON get ISO 8601."""
    return {
        key: iso_from_unix(value)
        if key.endswith("_at") and isinstance(value, int | float)
        else value
        for key, value in state.items()
    }
