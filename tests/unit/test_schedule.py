"""Poll timing: interval while a feed works, capped exponential backoff while it fails."""

from __future__ import annotations

import pytest

from newswatch.core.schedule import backoff_delay, jitter_fraction, next_poll_delay

BOUNDS = {"min_backoff": 60, "max_backoff": 3600}


def test_working_feed_is_polled_at_its_interval_without_jitter() -> None:
    assert next_poll_delay(900, 0, jitter=0, **BOUNDS) == 900


def test_backoff_doubles_per_error_from_the_interval_and_is_capped() -> None:
    delays = [next_poll_delay(300, n, jitter=0, **BOUNDS) for n in range(1, 7)]
    assert delays == [300, 600, 1200, 2400, 3600, 3600]


def test_backoff_starts_at_min_backoff_for_short_intervals() -> None:
    assert backoff_delay(30, 1, min_backoff=60, max_backoff=3600) == 60
    assert backoff_delay(30, 2, min_backoff=60, max_backoff=3600) == 120


def test_failing_feed_is_never_polled_more_often_than_a_working_one() -> None:
    # an interval longer than max_backoff stays the floor
    assert next_poll_delay(7200, 5, jitter=0, **BOUNDS) == 7200


def test_huge_error_counts_do_not_overflow() -> None:
    assert next_poll_delay(300, 10_000, jitter=0, **BOUNDS) == 3600


def test_retry_after_is_a_floor_capped_at_max_backoff() -> None:
    assert next_poll_delay(300, 1, retry_after=1800, jitter=0, **BOUNDS) == 1800
    assert next_poll_delay(300, 1, retry_after=10**9, jitter=0, **BOUNDS) == 3600
    # a Retry-After shorter than the backoff does not shorten it
    assert next_poll_delay(300, 3, retry_after=5, jitter=0, **BOUNDS) == 1200


def test_jitter_is_deterministic_per_seed_and_bounded() -> None:
    first = next_poll_delay(1000, 0, seed="feed-a", **BOUNDS)
    assert first == next_poll_delay(1000, 0, seed="feed-a", **BOUNDS)
    delays = {next_poll_delay(1000, 0, seed=f"feed-{i}", **BOUNDS) for i in range(50)}
    assert all(1000 <= d < 1100 for d in delays)
    assert len(delays) > 10  # different feeds spread out


def test_jitter_fraction_is_in_unit_interval() -> None:
    values = [jitter_fraction(str(i)) for i in range(200)]
    assert all(0 <= v < 1 for v in values)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((0, 0), BOUNDS, "interval"),
        ((60, -1), BOUNDS, "consecutive_errors"),
        ((60, 0), {"min_backoff": 0, "max_backoff": 10}, "backoff bounds"),
        ((60, 0), {**BOUNDS, "jitter": 2.0}, "jitter"),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(
    args: tuple[int, int], kwargs: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        next_poll_delay(*args, **kwargs)  # type: ignore[arg-type]
