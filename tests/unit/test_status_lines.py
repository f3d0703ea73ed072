"""`newswatch status`'s line for a feed among the worst: its health, name, errors and why."""

from __future__ import annotations

from newswatch.census import FeedHealth
from newswatch.core.feed_state import FeedState, Health
from newswatch.status import _feed_line


def line(errors: int) -> str:
    state = FeedState(health=Health.FAILING, consecutive_errors=errors, error_reason="dns")
    return _feed_line(FeedHealth("f1", "BBC World", "https://bbc.example/rss", state))


def test_the_errors_are_counted_in_words() -> None:
    assert line(1) == "    failing   BBC World  1 error  dns"
    assert line(3) == "    failing   BBC World  3 errors  dns"
    assert line(0) == "    failing   BBC World  dns"
