"""Interval parsing: integers are seconds, strings are durations; 30s to 7d."""

from __future__ import annotations

import pytest

from newswatch.core.validate import format_interval, parse_interval, validate_feed


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (30, 30),
        (900, 900),
        ("900", 900),
        ("90s", 90),
        ("15m", 900),
        ("2h", 7200),
        ("1h30m", 5400),
        (" 15M ", 900),
        ("1d", 86400),
        ("7d", 7 * 86400),
    ],
)
def test_accepted(value: object, seconds: int) -> None:
    assert parse_interval(value) == seconds
    assert validate_feed({"url": "https://a.example/rss", "interval": value}).interval == seconds


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (29, "too short: the minimum is 30s"),
        ("10s", "too short"),
        (0, "too short"),
        (-60, "too short"),
        ("8d", "too long: the maximum is 7d"),
        ("15 minutes", "an integer number of seconds or a duration"),
        ("m15", "an integer number of seconds or a duration"),
        ("", "an integer number of seconds or a duration"),
        (1.5, "got float"),
        (True, "got a boolean"),
        (None, "got NoneType"),
    ],
)
def test_refused(value: object, why: str) -> None:
    with pytest.raises(ValueError, match="interval") as caught:
        parse_interval(value)
    assert why in str(caught.value)


@pytest.mark.parametrize(
    ("seconds", "text"), [(30, "30s"), (90, "1m30s"), (900, "15m"), (5400, "1h30m"), (86400, "1d")]
)
def test_format_round_trips(seconds: int, text: str) -> None:
    assert format_interval(seconds) == text
    assert parse_interval(text) == seconds
