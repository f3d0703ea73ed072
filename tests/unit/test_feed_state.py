"""The pure polling policy, driven by a clock the test moves: adaptive intervals, publisher
hints, Retry-After from the end of the poll, backoff, parking, validators, redirects."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from newswatch.core.feed_state import (
    FeedState,
    Health,
    PollOutcome,
    PollPolicy,
    PollResult,
    body_unchanged,
    churn_suspected,
    failure_weight,
    freshness_seconds,
    next_state,
    plan_request,
    rate_from_dates,
    transitions,
)

POLICY = PollPolicy(jitter=0)
HOUR = 3600.0
T0 = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


def fetched(started: float, *, seen: int = 10, new: int = 0, **extra: object) -> PollOutcome:
    values: dict[str, object] = {
        "result": PollResult.OK,
        "started_at": started,
        "status": 200,
        "items_seen": seen,
        "new_items": new,
        "taken": new,
        "body_hash": f"h{started}",
    }
    values.update(extra)
    return PollOutcome(**values)  # type: ignore[arg-type]


def failed(started: float, reason: str, status: int | None = None, **extra: object) -> PollOutcome:
    return PollOutcome(
        result=PollResult.ERROR,
        started_at=started,
        status=status,
        reason=reason,
        error=f"{reason} {status}",
        **extra,  # type: ignore[arg-type]
    )


def run_feed(clock: Clock, policy: PollPolicy, new_per_hour: float, polls: int) -> FeedState:
    """Poll a feed that publishes ``new_per_hour`` items per hour, each poll at its due time."""
    state = next_state(FeedState(), fetched(clock.now, seen=20, new=20), clock.now, policy)
    for _ in range(polls):
        elapsed = state.next_poll_at - clock.now
        clock.advance(elapsed)
        new = round(new_per_hour * elapsed / HOUR)
        state = next_state(state, fetched(clock.now, seen=20, new=min(new, 20)), clock.now, policy)
    return state


# -- adaptive intervals ---------------------------------------------------------------------


def test_a_fast_feed_is_polled_at_the_minimum_and_a_silent_one_at_the_maximum() -> None:
    wire = run_feed(Clock(), POLICY, new_per_hour=60, polls=40)
    assert wire.interval == POLICY.min_interval
    assert "new items per hour" in wire.interval_reason and "minimum" in wire.interval_reason

    think_tank = run_feed(Clock(), POLICY, new_per_hour=0, polls=40)
    assert think_tank.interval == POLICY.max_interval
    assert think_tank.interval_reason.startswith("no new items lately")


def test_a_moderate_feed_settles_between_the_bounds() -> None:
    state = run_feed(Clock(), POLICY, new_per_hour=0.5, polls=200)
    # aim: half an item per poll -> about one poll an hour
    assert 0.5 * HOUR <= state.interval <= 2 * HOUR
    assert state.health is Health.OK


def test_the_interval_grows_at_most_twofold_per_poll_but_shrinks_at_once() -> None:
    clock = Clock()
    state = run_feed(clock, POLICY, new_per_hour=0, polls=3)
    intervals = [state.interval]
    for _ in range(3):
        clock.advance(state.next_poll_at - clock.now)
        state = next_state(state, fetched(clock.now), clock.now, POLICY)
        intervals.append(state.interval)
    assert all(b <= 2 * a for a, b in itertools.pairwise(intervals))


def test_mostly_new_items_halve_the_interval_at_once() -> None:
    clock = Clock()
    state = run_feed(clock, POLICY, new_per_hour=0, polls=10)
    before = state.interval
    clock.advance(before)
    state = next_state(state, fetched(clock.now, seen=10, new=8), clock.now, POLICY)
    assert state.interval <= before // 2
    # with a rate that barely moves, the share of new items alone halves the interval
    steady = dataclasses.replace(POLICY, rate_horizon=1e12)
    slow = dataclasses.replace(state, rate=0.0, interval=before)
    clock.advance(before)
    halved = next_state(slow, fetched(clock.now, seen=10, new=8), clock.now, steady)
    assert halved.interval == before // 2
    assert "80% of the items were new" in halved.interval_reason


def test_the_first_fetch_takes_its_rate_from_the_items_dates() -> None:
    dates = tuple(T0 - n * 600 for n in range(12))  # one item every 10 minutes
    state = next_state(FeedState(), fetched(T0, seen=12, new=12, published=dates), T0, POLICY)
    assert state.rate == pytest.approx(12 * 3600 / 6600)  # 12 items in 110 minutes
    assert state.interval == POLICY.min_interval
    assert rate_from_dates([T0 - 5], T0, 86_400) is None
    assert rate_from_dates([T0 + 10_000, T0 - 10**9], T0, 86_400) is None  # future, ancient


def test_a_fixed_interval_is_kept_whatever_the_feed_does() -> None:
    policy = dataclasses.replace(POLICY, fixed_interval=120)
    state = run_feed(Clock(), policy, new_per_hour=0, polls=5)
    assert (state.interval, state.interval_reason) == (
        120,
        "fixed by the feed's configured interval",
    )


def test_times_are_counted_from_the_end_of_the_poll() -> None:
    # a poll that started at T0 and took 90 s: the next one is an interval after its end
    policy = dataclasses.replace(POLICY, fixed_interval=600)
    state = next_state(FeedState(), fetched(T0), T0 + 90, policy)
    assert state.next_poll_at == T0 + 90 + 600
    assert state.last_duration == 90 and state.last_polled_at == T0 + 90


# -- publisher hints --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        ({"feed_ttl": 7200}, 7200),  # <ttl>120</ttl>
        ({"max_age": 3600}, 3600),  # Cache-Control: max-age=3600
        ({"feed_ttl": 600, "max_age": 5400}, 5400),  # the longer one
        ({"feed_ttl": 10**9}, 86_400),  # capped at the maximum interval
        ({"feed_ttl": 60}, 300),  # shorter than ours: ours
    ],
)
def test_publisher_hints_are_a_floor(hints: dict[str, int], expected: int) -> None:
    clock = Clock()
    first = next_state(FeedState(), fetched(clock.now, seen=5, new=5), clock.now, POLICY)
    clock.advance(first.next_poll_at - clock.now)
    # a busy feed: our own estimate is the minimum interval
    state = next_state(first, fetched(clock.now, seen=5, new=2, **hints), clock.now, POLICY)
    assert state.interval == expected
    if expected not in (300,):
        assert "the publisher asks for at least" in state.interval_reason


def test_a_304_keeps_the_feeds_ttl_and_takes_its_own_max_age() -> None:
    state = next_state(FeedState(), fetched(T0, feed_ttl=7200), T0, POLICY)
    not_modified = PollOutcome(PollResult.NOT_MODIFIED, T0 + 7200, status=304, conditional=True)
    after = next_state(state, not_modified, T0 + 7200, POLICY)
    assert after.feed_ttl == 7200 and after.interval >= 7200
    longer = dataclasses.replace(not_modified, max_age=50_000)
    assert next_state(state, longer, T0 + 7200, POLICY).interval == 50_000


@pytest.mark.parametrize(
    ("cache_control", "expires", "expected"),
    [
        ("public, max-age=600", None, 600),
        ('max-age="90"', None, 90),
        ("no-cache, max-age=600", None, None),
        ("max-age=0", None, None),
        (None, "Thu, 15 Jan 2027 08:01:40 GMT", 100),
        (None, "yesterday", None),
        (None, "Thu, 15 Jan 2027 07:00:00 GMT", None),  # already expired
        ("private", None, None),
    ],
)
def test_freshness_from_cache_control_or_expires(
    cache_control: str | None, expires: str | None, expected: int | None
) -> None:
    now = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC
    assert freshness_seconds(cache_control, expires, now) == expected


# -- failures ---------------------------------------------------------------------------------


def test_retry_after_is_honoured_from_the_end_of_a_long_poll() -> None:
    # the poll started at T0, took 90 s and got a 429 asking for 120 s
    state = next_state(FeedState(interval=30), failed(T0, "http_status", 429, retry_after=120),
                       T0 + 90, POLICY)  # fmt: skip
    assert state.next_poll_at >= T0 + 90 + 120
    assert state.retry_after == 120 and state.health is Health.FAILING
    # a hostile Retry-After cannot switch a feed off
    huge = next_state(FeedState(), failed(T0, "http_status", 503, retry_after=10**9), T0, POLICY)
    assert huge.next_poll_at == T0 + POLICY.max_retry_after


def test_failures_back_off_and_success_resets_them() -> None:
    clock = Clock()
    state = FeedState(interval=300)
    delays = []
    for _ in range(5):
        state = next_state(state, failed(clock.now, "timeout"), clock.now, POLICY)
        delays.append(state.next_poll_at - clock.now)
        clock.advance(state.next_poll_at - clock.now)
    assert delays == [300, 600, 1200, 2400, 4800]
    assert (state.consecutive_errors, state.failure_score, state.health) == (5, 5.0, Health.FAILING)
    assert state.failing_since == T0
    state = next_state(state, fetched(clock.now), clock.now, POLICY)
    assert (state.consecutive_errors, state.failure_score, state.health) == (0, 0.0, Health.OK)
    assert (state.last_error, state.error_reason, state.failing_since) == ("", "", None)


def test_failures_weigh_by_kind() -> None:
    assert failure_weight("http_status", 404) > failure_weight("http_status", 503)
    assert failure_weight("dns", None) > failure_weight("timeout", None)
    assert failure_weight("tls", None) > failure_weight("connect", None)
    assert failure_weight("http_status", 429) < failure_weight("timeout", None)


def test_a_feed_failing_long_enough_is_parked_then_unparked_by_a_success() -> None:
    clock = Clock()
    state = FeedState(interval=300)
    while state.health is not Health.PARKED:
        state = next_state(state, failed(clock.now, "http_status", 404), clock.now, POLICY)
        clock.advance(state.next_poll_at - clock.now)
        assert clock.now - T0 < 10 * 86_400, "never parked"
    # parked only once the score is high AND it has failed for a day
    assert state.failure_score >= POLICY.park_score
    assert state.last_polled_at is not None and state.last_polled_at - T0 >= POLICY.park_after
    assert state.next_poll_at - state.last_polled_at == POLICY.parked_retry
    assert state.interval_reason.startswith("parked")
    again = next_state(state, failed(clock.now, "http_status", 404), clock.now, POLICY)
    assert again.health is Health.PARKED and "parked" not in transitions(state, again)

    back = next_state(state, fetched(clock.now), clock.now, POLICY)
    assert back.health is Health.OK
    assert transitions(state, back) == ["unparked"]


def test_many_quick_failures_do_not_park_before_the_grace_time() -> None:
    state = FeedState(failure_score=100, failing_since=T0)
    after = next_state(state, failed(T0 + 60, "dns"), T0 + 60, POLICY)
    assert after.health is Health.FAILING


def test_410_gone_parks_at_once() -> None:
    state = next_state(FeedState(), failed(T0, "http_status", 410), T0, POLICY)
    assert state.health is Health.PARKED
    assert state.next_poll_at == T0 + POLICY.parked_retry
    assert "gone (410)" in state.interval_reason
    assert transitions(FeedState(), state) == ["parked"]


def test_a_slow_success_is_marked_slow() -> None:
    state = next_state(FeedState(), fetched(T0), T0 + POLICY.slow_after + 1, POLICY)
    assert state.health is Health.SLOW


# -- validators -------------------------------------------------------------------------------


def test_requests_are_conditional_except_for_the_periodic_check() -> None:
    state = next_state(FeedState(), fetched(T0, etag='"v1"'), T0, POLICY)
    assert state.validated_at == T0
    plan = plan_request(state, T0 + 600, POLICY)
    assert (plan.etag, plan.conditional, plan.validating) == ('"v1"', True, False)
    check = plan_request(state, T0 + POLICY.validate_every, POLICY)
    assert (check.conditional, check.validating) == (False, True)
    waiting = dataclasses.replace(state, pending_items=2)
    assert plan_request(waiting, T0 + 600, POLICY).conditional is False
    assert plan_request(FeedState(), T0, POLICY).conditional is False


def test_a_server_whose_304s_were_wrong_is_caught_and_its_validators_ignored() -> None:
    state = next_state(FeedState(), fetched(T0, etag='"v1"', body_hash="a"), T0, POLICY)
    # ... 304s for a day, then the check: same ETag, different body
    check_at = T0 + POLICY.validate_every
    assert plan_request(state, check_at, POLICY).validating
    caught = next_state(state, fetched(check_at, new=3, etag='"v1"', body_hash="b"), check_at,
                        POLICY)  # fmt: skip
    assert transitions(state, caught) == ["validators_distrusted"]
    assert plan_request(caught, check_at + 600, POLICY).conditional is False
    trusted_again = check_at + POLICY.distrust_for + 1
    checked = dataclasses.replace(caught, validated_at=trusted_again)
    assert plan_request(checked, trusted_again, POLICY).conditional
    # an honest server: new body, new ETag
    honest = next_state(state, fetched(check_at, etag='"v2"', body_hash="b"), check_at, POLICY)
    assert honest.distrust_until is None and transitions(state, honest) == []


def test_an_identical_body_needs_no_parse_unless_items_wait_in_it() -> None:
    state = FeedState(body_hash="abc")
    assert body_unchanged(state, "abc") and not body_unchanged(state, "abd")
    assert not body_unchanged(dataclasses.replace(state, pending_items=1), "abc")
    assert not body_unchanged(FeedState(), "")


# -- redirects --------------------------------------------------------------------------------


def test_a_permanent_redirect_moves_the_feed_once_it_has_held() -> None:
    new_url = "https://new.example/feed"
    state = next_state(FeedState(), fetched(T0, moved_to=new_url), T0, POLICY)
    assert (state.moved_to, state.moved_since, state.fetch_url) == (new_url, T0, "")
    later = T0 + POLICY.redirect_hold / 2
    state = next_state(state, fetched(later, moved_to=new_url), later, POLICY)
    assert state.fetch_url == ""
    held = T0 + POLICY.redirect_hold
    moved = next_state(state, fetched(held, moved_to=new_url), held, POLICY)
    assert (moved.fetch_url, moved.moved_to) == (new_url, "")
    assert transitions(state, moved) == ["moved"]


def test_a_redirect_that_stops_or_changes_starts_over() -> None:
    state = next_state(FeedState(), fetched(T0, moved_to="https://a.example/"), T0, POLICY)
    gone = next_state(state, fetched(T0 + 10), T0 + 10, POLICY)
    assert (gone.moved_to, gone.moved_since) == ("", None)
    other = next_state(state, fetched(T0 + 10, moved_to="https://b.example/"), T0 + 10, POLICY)
    assert (other.moved_to, other.moved_since) == ("https://b.example/", T0 + 10)


# -- churn ------------------------------------------------------------------------------------


def test_churn_is_suspected_only_on_an_established_feed_presenting_mostly_new_items() -> None:
    established = FeedState(items_total=100)
    assert churn_suspected(established, items_seen=20, new_items=18, policy=POLICY)
    assert not churn_suspected(established, items_seen=20, new_items=3, policy=POLICY)
    assert not churn_suspected(FeedState(), items_seen=20, new_items=20, policy=POLICY)
    assert not churn_suspected(established, items_seen=3, new_items=3, policy=POLICY)


def test_policy_bounds_are_checked() -> None:
    with pytest.raises(ValueError, match="min_interval"):
        PollPolicy(min_interval=600, max_interval=300)
    with pytest.raises(ValueError, match="min_backoff"):
        PollPolicy(min_backoff=0)
