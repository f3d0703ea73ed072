"""A feed's polling state and the pure policy that moves it from one poll to the next.

The scheduler fetches, describes what happened as a :class:`PollOutcome`, and asks
:func:`next_state` for the feed's new :class:`FeedState` (interval, next poll time, health,
validators, redirects); it then writes that state once. Nothing here reads a clock: ``now`` is
the end of the poll, passed in, so a poll that took 90 s schedules the next one from its end.

- **Adaptive interval**: from the feed's publishing rate (new items per hour, a time-weighted
  average over about :attr:`PollPolicy.rate_horizon`) and the share of new items per fetch (a
  fetch where half the items are new may have missed some: poll faster at once), clamped to
  ``[min_interval, max_interval]``; a per-feed ``fixed_interval`` overrides it. The publisher's
  own hints (RSS ``ttl``, ``sy:updatePeriod``, Cache-Control ``max-age`` / ``Expires``) are a
  floor: we never come back sooner than they ask, up to ``max_interval``.
- **Failures** back off exponentially and add a weight per kind (:func:`failure_weight`); past
  ``park_score`` after failing for ``park_after`` seconds, or at once on 410 Gone, a feed is
  *parked* and retried every ``parked_retry`` seconds until it works again. A Retry-After is
  honoured (never beyond ``max_retry_after``).
- **Validators checked**: every ``validate_every`` seconds the request goes out without
  validators (:func:`plan_request`); if the server then sends the very validators we held but a
  different body, its 304s were wrong, and validators are ignored for ``distrust_for``.
- **Permanent redirects**: a 301/308 to the same target for ``redirect_hold`` seconds moves the
  feed: later polls fetch the new URL.
"""

from __future__ import annotations

import dataclasses
import email.utils
import math
import re
from collections.abc import Sequence
from enum import StrEnum

from newswatch.core.schedule import backoff_delay, jitter_fraction


class Health(StrEnum):
    OK = "ok"  # the last poll worked
    SLOW = "slow"  # it worked, but took longer than ``slow_after``
    FAILING = "failing"  # failing, retried with backoff
    PARKED = "parked"  # failed too long (or 410 Gone): retried rarely, shown as dead


NEVER_POLLED = "never_polled"  # the last_status of a feed not polled yet
NOT_POLLED = "new"  # the health it is counted and shown under (never "ok": nothing fetched it)
NOT_POLLED_WORDS = "not yet polled"  # how status lines write it
SHOWN_HEALTH = (*(h.value for h in Health), NOT_POLLED)


class PollResult(StrEnum):
    OK = "ok"  # a body with items to look at
    NOT_MODIFIED = "not_modified"  # 304
    UNCHANGED = "unchanged"  # 200, but the same body as last time (no parse)
    ERROR = "error"


@dataclasses.dataclass(frozen=True)
class PollPolicy:
    """Every knob of :func:`next_state` (built from Settings; ``fixed_interval`` per feed)."""

    min_interval: int = 300
    max_interval: int = 86_400
    fixed_interval: int | None = None  # the feed's configured interval: no adaptation
    initial_interval: int = 900  # until the publishing rate is known
    target_new_per_poll: float = 0.5  # aim: one new item every other poll
    rate_horizon: float = 3 * 86_400  # seconds the publishing-rate average looks back
    max_growth: float = 2.0  # the interval grows at most this much per poll
    new_share_fast: float = 0.5  # a fetch with this share of new items halves the interval
    min_backoff: int = 60
    max_backoff: int = 6 * 3600
    max_retry_after: int = 7 * 86_400
    park_score: float = 20.0
    park_after: float = 86_400.0  # seconds of failing before the score can park a feed
    parked_retry: int = 86_400
    slow_after: float = 10.0  # seconds a successful poll may take before the feed is "slow"
    validate_every: float = 86_400.0  # seconds between unconditional checks of validators
    distrust_for: float = 7 * 86_400.0  # validators ignored this long after a wrong 304
    redirect_hold: float = 86_400.0  # a permanent redirect must hold this long to move a feed
    jitter: float = 0.1
    churn_min_seen: int = 20  # items taken before a feed counts as established
    churn_share: float = 0.8  # share of "new" items in one fetch that looks like GUID churn
    churn_min_new: int = 5

    def __post_init__(self) -> None:
        if not 1 <= self.min_interval <= self.max_interval:
            raise ValueError(
                f"min_interval ({self.min_interval}) must be at least 1 and at most "
                f"max_interval ({self.max_interval})"
            )
        if not 1 <= self.min_backoff <= self.max_backoff:
            raise ValueError(
                f"min_backoff ({self.min_backoff}) must be at least 1 and at most "
                f"max_backoff ({self.max_backoff})"
            )
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be a fraction in [0, 1], got {self.jitter}")


@dataclasses.dataclass(frozen=True)
class FeedState:
    """Everything kept about a feed between polls (one Redis hash, see ``store/feed_state``)."""

    last_status: str = NEVER_POLLED  # a PollResult value, or never_polled
    last_polled_at: float | None = None  # end of the last poll
    last_duration: float = 0.0  # seconds the last poll took
    last_http_status: int | None = None
    next_poll_at: float = 0.0
    interval: int = 0  # seconds between polls while the feed works (0: not decided yet)
    interval_reason: str = ""
    health: Health = Health.OK
    consecutive_errors: int = 0
    failure_score: float = 0.0
    failing_since: float | None = None
    last_error: str = ""
    error_reason: str = ""
    retry_after: int | None = None  # the server's last Retry-After, seconds
    rate: float | None = None  # new items per hour (time-weighted average)
    rate_at: float | None = None  # when ``rate`` was last updated
    feed_ttl: int | None = None  # the feed's own <ttl> / sy:updatePeriod, seconds
    max_age: int | None = None  # the last response's Cache-Control max-age / Expires, seconds
    items_total: int = 0  # items ever handed to the workers
    last_new_items: int = 0
    last_new_at: float | None = None  # end of the last poll that found new items
    pending_items: int = 0  # items left for a later poll (retry, deadline, cap)
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str = ""  # of the last full body
    validated_at: float | None = None  # last unconditional fetch
    distrust_until: float | None = None  # validators ignored until then (a 304 was wrong)
    fetch_url: str = ""  # the URL polled instead of the configured one (after a move)
    moved_to: str = ""  # a permanent redirect seen, not yet held long enough
    moved_since: float | None = None
    title: str = ""


@dataclasses.dataclass(frozen=True)
class PollOutcome:
    """What one poll found (built by the scheduler from the fetch and the parse)."""

    result: PollResult
    started_at: float
    status: int | None = None  # HTTP status, when there was an answer
    conditional: bool = False  # whether validators were sent
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str = ""
    items_seen: int = 0  # items in the fetched feed
    new_items: int = 0  # of those, not seen before
    taken: int = 0  # handed to the workers
    pending: int = 0  # left for a later poll
    title: str = ""
    moved_to: str = ""  # target of a permanent redirect from the polled URL
    feed_ttl: int | None = None  # seconds, from <ttl> or sy:updatePeriod
    max_age: int | None = None  # seconds, from Cache-Control max-age / Expires
    published: tuple[float, ...] = ()  # the items' publication times (first fetch: the rate)
    reason: str = ""  # error reason (a metric-safe word)
    error: str = ""  # error message
    retry_after: int | None = None


@dataclasses.dataclass(frozen=True)
class RequestPlan:
    """How to ask for a feed: which validators to send, and why none."""

    etag: str | None
    last_modified: str | None
    validating: bool  # an unconditional fetch that checks the validators

    @property
    def conditional(self) -> bool:
        return bool(self.etag or self.last_modified)


# -- failures -------------------------------------------------------------------------------

_REASON_WEIGHTS = {
    "blocked_address": 5.0,  # our own guard: it will not change by itself
    "invalid_url": 5.0,
    "tls": 3.0,
    "dns": 2.0,
    "unparseable": 2.0,
    "too_large": 2.0,
    "redirects": 2.0,
    "timeout": 1.0,
    "connect": 1.0,
    "protocol": 1.0,
}


def failure_weight(reason: str, status: int | None) -> float:
    """How much one failure counts towards parking: a 404, TLS or DNS failure says more about
    a dead feed than a timeout or a 5xx; a 429 is the server pacing us, hardly a failure."""
    if reason == "http_status" and status is not None:
        if status == 429:
            return 0.5
        if status in (404, 410):
            return 4.0
        if status in (401, 403):
            return 3.0
        return 1.0 if status >= 500 else 2.0
    return _REASON_WEIGHTS.get(reason, 1.0)


# -- the request ----------------------------------------------------------------------------


def plan_request(state: FeedState, now: float, policy: PollPolicy) -> RequestPlan:
    """Conditional unless items wait for another try (they are only found in a full body),
    the validators are distrusted, or it is time to check them."""
    if state.pending_items > 0:
        return RequestPlan(None, None, validating=False)
    if state.distrust_until is not None and now < state.distrust_until:
        return RequestPlan(None, None, validating=False)
    if not (state.etag or state.last_modified):
        return RequestPlan(None, None, validating=False)
    if state.validated_at is None or now - state.validated_at >= policy.validate_every:
        return RequestPlan(None, None, validating=True)
    return RequestPlan(state.etag, state.last_modified, validating=False)


def body_unchanged(state: FeedState, body_hash: str) -> bool:
    """A full body identical to the last one needs no parse (unless items wait in it)."""
    return bool(state.body_hash) and body_hash == state.body_hash and state.pending_items == 0


def churn_suspected(state: FeedState, items_seen: int, new_items: int, policy: PollPolicy) -> bool:
    """An established feed presenting mostly "new" items at once: likely its GUIDs changed."""
    return (
        state.items_total >= policy.churn_min_seen
        and new_items >= policy.churn_min_new
        and new_items >= policy.churn_share * items_seen
    )


# -- the decision ---------------------------------------------------------------------------


def next_state(
    state: FeedState, outcome: PollOutcome, now: float, policy: PollPolicy, *, seed: str = ""
) -> FeedState:
    """The feed's state after ``outcome``, with the time of its next poll. ``now`` is the end
    of the poll; ``seed`` (the feed id) fixes the feed's jitter."""
    base = dataclasses.replace(
        state,
        last_status=outcome.result.value,
        last_polled_at=now,
        last_duration=max(0.0, now - outcome.started_at),
        last_http_status=outcome.status,
        retry_after=outcome.retry_after,
    )
    if outcome.result is PollResult.ERROR:
        return _after_failure(base, outcome, now, policy, seed)
    return _after_success(base, outcome, now, policy, seed)


def _after_success(
    state: FeedState, outcome: PollOutcome, now: float, policy: PollPolicy, seed: str
) -> FeedState:
    fetched = outcome.result is PollResult.OK
    rate = _updated_rate(state, outcome, now, policy)
    state = dataclasses.replace(
        state,
        consecutive_errors=0,
        failure_score=0.0,
        failing_since=None,
        last_error="",
        error_reason="",
        health=Health.SLOW if now - outcome.started_at >= policy.slow_after else Health.OK,
        rate=rate,
        rate_at=now,
        feed_ttl=outcome.feed_ttl if fetched else state.feed_ttl,
        max_age=outcome.max_age,
        items_total=state.items_total + outcome.taken,
        last_new_items=outcome.taken,
        last_new_at=now if fetched and outcome.new_items else state.last_new_at,
        pending_items=outcome.pending if fetched else state.pending_items,
        title=outcome.title or state.title,
    )
    state = _validators(state, outcome, now, policy)
    state = _redirect(state, outcome, now, policy)
    interval, reason = _interval(state, outcome, policy)
    delay = interval + int(interval * policy.jitter * jitter_fraction(seed))
    if outcome.retry_after:  # a 200/304 may ask for a pause too
        delay = max(delay, min(outcome.retry_after, policy.max_retry_after))
    return dataclasses.replace(
        state, interval=interval, interval_reason=reason, next_poll_at=now + delay
    )


def _after_failure(
    state: FeedState, outcome: PollOutcome, now: float, policy: PollPolicy, seed: str
) -> FeedState:
    errors = state.consecutive_errors + 1
    score = state.failure_score + failure_weight(outcome.reason, outcome.status)
    failing_since = state.failing_since if state.failing_since is not None else now
    gone = outcome.reason == "http_status" and outcome.status == 410
    parked = gone or (score >= policy.park_score and now - failing_since >= policy.park_after)
    interval = state.interval or _start_interval(policy)
    if parked:
        delay = policy.parked_retry
    else:
        delay = backoff_delay(
            interval, errors, min_backoff=policy.min_backoff, max_backoff=policy.max_backoff
        )
    delay += int(delay * policy.jitter * jitter_fraction(seed))
    if outcome.retry_after is not None and outcome.retry_after > delay:
        delay = min(outcome.retry_after, policy.max_retry_after)
    return dataclasses.replace(
        state,
        consecutive_errors=errors,
        failure_score=score,
        failing_since=failing_since,
        health=Health.PARKED if parked else Health.FAILING,
        last_error=outcome.error,
        error_reason=outcome.reason,
        interval=interval,
        interval_reason=_parked_reason(outcome) if parked else state.interval_reason,
        next_poll_at=now + delay,
    )


def _parked_reason(outcome: PollOutcome) -> str:
    if outcome.status == 410:
        return "parked: the server says the feed is gone (410)"
    return "parked: failing for too long; retried rarely"


def _start_interval(policy: PollPolicy) -> int:
    if policy.fixed_interval is not None:
        return policy.fixed_interval
    return _clamp(policy.initial_interval, policy)


def _clamp(seconds: float, policy: PollPolicy) -> int:
    return int(min(max(seconds, policy.min_interval), policy.max_interval))


# -- rate and interval ----------------------------------------------------------------------


def _updated_rate(
    state: FeedState, outcome: PollOutcome, now: float, policy: PollPolicy
) -> float | None:
    """New items per hour, averaged over time: each observation weighs by the time it covers
    (1 - e^(-elapsed/horizon)), so frequent polls do not outvote rare ones."""
    new = outcome.new_items if outcome.result is PollResult.OK else 0
    if state.rate_at is None:  # the first body: everything in it is "new"
        if outcome.result is PollResult.OK:
            return rate_from_dates(outcome.published, now, policy.rate_horizon)
        return None
    elapsed = max(0.0, now - state.rate_at)
    if state.rate is None:
        return new * 3600.0 / elapsed if elapsed > 0 else None
    if elapsed == 0:
        return state.rate
    observed = new * 3600.0 / elapsed
    weight = 1.0 - math.exp(-elapsed / policy.rate_horizon)
    return state.rate + weight * (observed - state.rate)


def rate_from_dates(published: Sequence[float], now: float, horizon: float) -> float | None:
    """Items per hour from the publication times a feed lists (its first fetch): the items
    within ``horizon`` over the time they span. None when the dates say nothing."""
    recent = sorted(t for t in published if now - horizon <= t <= now)
    if len(recent) < 2:
        return None
    span = max(now - recent[0], 3600.0)
    return len(recent) * 3600.0 / span


def publisher_hint(state: FeedState, policy: PollPolicy) -> int | None:
    """The longest of the publisher's "come back after" hints, capped at ``max_interval``
    (a stranger's header must not switch a feed off)."""
    hints = [h for h in (state.feed_ttl, state.max_age) if h and h > 0]
    return min(max(hints), policy.max_interval) if hints else None


def _interval(state: FeedState, outcome: PollOutcome, policy: PollPolicy) -> tuple[int, str]:
    if policy.fixed_interval is not None:
        return policy.fixed_interval, "fixed by the feed's configured interval"
    previous = state.interval or _start_interval(policy)
    interval: float
    if state.rate is None:
        interval, reason = previous, "publishing rate not known yet"
    elif state.rate <= 0:
        interval, reason = policy.max_interval, "no new items lately"
    else:
        interval = policy.target_new_per_poll * 3600.0 / state.rate
        reason = f"about {state.rate:.2g} new items per hour"
    interval = min(interval, previous * policy.max_growth)
    share = outcome.new_items / outcome.items_seen if outcome.items_seen else 0.0
    # the first fetch of a feed is all "new": no sign of missed items
    established = state.items_total > outcome.taken
    if (
        outcome.result is PollResult.OK
        and established
        and outcome.items_seen >= 2
        and share >= policy.new_share_fast
        and interval > previous / 2
    ):
        interval = previous / 2
        reason = f"{share:.0%} of the items were new: polling faster so none are missed"
    clamped = _clamp(interval, policy)
    if clamped > interval:
        reason += f"; at the minimum ({clamped} s)"
    elif clamped < interval:
        reason += f"; at the maximum ({clamped} s)"
    hint = publisher_hint(state, policy)
    if hint and hint > clamped:
        return hint, f"the publisher asks for at least {hint} s (ttl / max-age)"
    return clamped, reason


# -- validators and redirects ---------------------------------------------------------------


def _validators(
    state: FeedState, outcome: PollOutcome, now: float, policy: PollPolicy
) -> FeedState:
    if outcome.result is PollResult.NOT_MODIFIED:
        return dataclasses.replace(
            state,
            etag=outcome.etag or state.etag,
            last_modified=outcome.last_modified or state.last_modified,
        )
    stale = (
        not outcome.conditional
        and bool(state.body_hash)
        and outcome.body_hash != state.body_hash
        and _same_validators(state, outcome)
    )
    return dataclasses.replace(
        state,
        etag=outcome.etag,
        last_modified=outcome.last_modified,
        body_hash=outcome.body_hash or state.body_hash,
        validated_at=now if not outcome.conditional else state.validated_at,
        distrust_until=now + policy.distrust_for if stale else state.distrust_until,
    )


def _same_validators(state: FeedState, outcome: PollOutcome) -> bool:
    """The server labels a different body with the validators it gave the old one."""
    if state.etag:
        return outcome.etag == state.etag
    return bool(state.last_modified) and outcome.last_modified == state.last_modified


def _redirect(state: FeedState, outcome: PollOutcome, now: float, policy: PollPolicy) -> FeedState:
    if not outcome.moved_to:
        return dataclasses.replace(state, moved_to="", moved_since=None)
    if outcome.moved_to != state.moved_to or state.moved_since is None:
        return dataclasses.replace(state, moved_to=outcome.moved_to, moved_since=now)
    if now - state.moved_since >= policy.redirect_hold:
        return dataclasses.replace(state, fetch_url=outcome.moved_to, moved_to="", moved_since=None)
    return state


# -- what changed ---------------------------------------------------------------------------


def transitions(before: FeedState, after: FeedState) -> list[str]:
    """Events worth a log line and a counter: parked, unparked, moved, validators_distrusted."""
    events = []
    if after.health is Health.PARKED and before.health is not Health.PARKED:
        events.append("parked")
    if before.health is Health.PARKED and after.health is not Health.PARKED:
        events.append("unparked")
    if after.fetch_url != before.fetch_url:
        events.append("moved")
    if after.distrust_until != before.distrust_until and after.distrust_until is not None:
        events.append("validators_distrusted")
    return events


# -- the response's freshness ---------------------------------------------------------------

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])(?:no-cache|no-store)(?:$|[,\s=])", re.IGNORECASE)


def freshness_seconds(cache_control: str | None, expires: str | None, now: float) -> int | None:
    """How long a response says it stays fresh: Cache-Control max-age, else Expires (RFC 9111
    5.3); None when it says nothing usable (no-cache, no-store, unreadable dates)."""
    if cache_control:
        if _NO_CACHE.search(cache_control):
            return None
        match = _MAX_AGE.search(cache_control)
        if match:
            return int(match.group(1)) or None
    if expires:
        try:
            when = email.utils.parsedate_to_datetime(expires.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = math.ceil(when.timestamp() - now)
        return seconds if seconds > 0 else None
    return None


# -- a census for the metrics ---------------------------------------------------------------

SILENT_EXPECTED_ITEMS = 5.0  # a feed is "silent" once this many items would have been likely
INTERVAL_BUCKETS = (300, 900, 3600, 21_600, 86_400)


def is_silent(state: FeedState, now: float) -> bool:
    """No new item for so long that its publishing rate made several likely: the publisher,
    or the feed URL, may have stopped working though every poll succeeds."""
    if state.rate is None or state.rate <= 0 or state.last_new_at is None:
        return False
    return (now - state.last_new_at) / 3600.0 * state.rate >= SILENT_EXPECTED_ITEMS


def shown_health(state: FeedState) -> str:
    """The health a feed is counted and shown under: :data:`NOT_POLLED` until its first poll
    (its state's ``health`` is only the default ``ok`` then), else its ``health``."""
    return NOT_POLLED if state.last_status == NEVER_POLLED else state.health.value


def interval_bucket(interval: int) -> str:
    """The label of the smallest :data:`INTERVAL_BUCKETS` bound holding ``interval``."""
    for bound in INTERVAL_BUCKETS:
        if interval <= bound:
            return str(bound)
    return "more"
