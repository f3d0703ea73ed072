"""Which published times are believed for freshness, and spans never negative."""

from __future__ import annotations

import pytest

from newswatch.core.freshness import (
    FUTURE_SKEW,
    MAX_PUBLISHED_AGE,
    elapsed,
    quantile,
    trusted_published,
)
from newswatch.core.times import iso_from_unix

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-90.0, NOW - 90.0),  # a minute and a half ago
        (-MAX_PUBLISHED_AGE + 1, NOW - MAX_PUBLISHED_AGE + 1),
        (FUTURE_SKEW - 1, NOW),  # a little ahead: clocks disagree, counts as just now
        (FUTURE_SKEW + 1, None),  # in the future: not believed
        (-MAX_PUBLISHED_AGE - 1, None),  # backlog, not freshness
    ],
)
def test_published_times_are_believed_when_recent_and_past(
    offset: float, expected: float | None
) -> None:
    assert trusted_published(iso_from_unix(NOW + offset), NOW) == expected


@pytest.mark.parametrize("value", [None, "", "yesterday", "2026-13-45T00:00:00"])
def test_missing_or_unreadable_published_times_are_not_believed(value: str | None) -> None:
    assert trusted_published(value, NOW) is None


def test_a_time_without_offset_is_utc() -> None:
    assert trusted_published(iso_from_unix(NOW - 60).replace("+00:00", ""), NOW) == NOW - 60


def test_elapsed_is_never_negative() -> None:
    assert elapsed(10.0, 12.5) == 2.5
    assert elapsed(12.5, 10.0) == 0.0


def test_quantiles_interpolate_between_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0]
    assert quantile(values, 0.0) == 1.0
    assert quantile(values, 1.0) == 4.0
    assert quantile(values, 0.5) == 2.5
    assert quantile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError, match="no values"):
        quantile([], 0.5)
