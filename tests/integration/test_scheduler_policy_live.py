"""Issue 10's polling policy end to end: the real scheduler, a real Redis and a real origin on
127.0.0.1, a clock the test moves (each cycle polls what is due at the clock's time). The pure
rules are unit-tested in tests/unit/test_feed_state.py; here the origin's answers drive them:
adaptive intervals on a fast and a slow feed, ttl and Cache-Control, a server whose 304s hide
new items, parking and un-parking, 301 and 410, the GUID churn guard. (Retry-After: see
test_scheduler_service.py and test_scheduler_timing.py.)"""

from __future__ import annotations

import redis
from prometheus_client import REGISTRY

from newswatch.config import Settings
from newswatch.core.catalog import Feed
from newswatch.core.feed_state import FeedState, Health, PollPolicy
from newswatch.store.feeds import FeedStateStore
from tests.support.origin import Origin, Route
from tests.support.scheduling import (
    START,
    Clock,
    cycle,
    items,
    publish,
    queued_articles,
    serve_feed,
)

POLICY = PollPolicy()
HOUR = 3600.0


def state_of(client: redis.Redis, feed: Feed) -> FeedState:
    return FeedStateStore(client).get_state(feed.id)


def next_cycle(client: redis.Redis, settings: Settings, clock: Clock) -> list[str]:
    """Move the clock to the next feed due and poll what is due; the ids polled."""
    due = FeedStateStore(client).next_due()
    assert due is not None
    clock.now = max(clock.now, due)
    return [report.feed_id for report in cycle(client, settings, clock)]


def feed_events(event: str) -> float:
    return REGISTRY.get_sample_value("newswatch_feed_events_total", {"event": event}) or 0.0


def test_a_fast_feed_settles_at_the_minimum_and_a_quiet_one_slows_down(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/fast.xml", items(1, 2, 3))
    serve_feed(origin, "/quiet.xml", items(1001, 1002))
    fast, quiet = Feed(url=origin.url("/fast.xml")), Feed(url=origin.url("/quiet.xml"))
    publish(redis_client, fast, quiet)
    cycle(redis_client, settings, clock)
    newest = 3
    while clock.now < START + 4 * HOUR:
        newest += 3  # the fast feed publishes three stories between any two of our polls
        serve_feed(origin, "/fast.xml", items(*range(max(1, newest - 9), newest + 1)))
        polled = next_cycle(redis_client, settings, clock)
    while fast.id not in polled:  # the last cycle may have been the quiet feed's
        polled = next_cycle(redis_client, settings, clock)

    fast_state, quiet_state = state_of(redis_client, fast), state_of(redis_client, quiet)
    assert fast_state.interval == POLICY.min_interval
    assert "new items per hour" in fast_state.interval_reason
    assert quiet_state.interval >= 16 * POLICY.min_interval
    assert quiet_state.interval_reason.startswith("no new items lately")
    assert origin.hits("/fast.xml") > 5 * origin.hits("/quiet.xml")
    assert len(queued_articles(redis_client)) == 2 + newest  # every story of both, once


def test_the_feeds_ttl_and_the_responses_max_age_are_floors(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/ttl.xml", items(1), extra="<ttl>180</ttl>")  # minutes
    serve_feed(origin, "/cached.xml", items(2), headers={"Cache-Control": "max-age=7200"})
    ttl, cached = Feed(url=origin.url("/ttl.xml")), Feed(url=origin.url("/cached.xml"))
    publish(redis_client, ttl, cached)
    cycle(redis_client, settings, clock)

    assert state_of(redis_client, ttl).interval == 3 * 3600
    assert state_of(redis_client, cached).interval == 7200
    for feed in (ttl, cached):
        assert "the publisher asks for at least" in state_of(redis_client, feed).interval_reason
    clock.advance(2 * POLICY.initial_interval)  # past the interval a new feed would get
    assert cycle(redis_client, settings, clock) == []
    clock.now = START + 7200 * 1.1 + 1  # the longest jitter included
    polled = [r.feed_id for r in cycle(redis_client, settings, clock)]
    assert polled == [cached.id]


def test_a_server_whose_304s_hide_new_items_is_caught_by_the_daily_check(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    serve_feed(origin, "/stale.xml", items(1), etag='"v1"')  # the ETag never changes
    feed = Feed(url=origin.url("/stale.xml"), interval=3600)
    publish(redis_client, feed)
    cycle(redis_client, settings, clock)
    while state_of(redis_client, feed).pending_items:  # a page fetch that failed under load
        next_cycle(redis_client, settings, clock)  # is retried by an unconditional poll
        assert clock.now < START + POLICY.validate_every / 2, "story 1 never taken"
    assert len(queued_articles(redis_client)) == 1 and state_of(redis_client, feed).etag
    serve_feed(origin, "/stale.xml", items(1, 2), etag='"v1"')  # a new story, the same ETag
    distrusted = feed_events("validators_distrusted")

    store = FeedStateStore(redis_client)
    while (store.next_due() or 0) < START + POLICY.validate_every:  # polls before the check
        next_cycle(redis_client, settings, clock)
        assert len(queued_articles(redis_client)) == 1  # each 304 hides story 2
    while len(queued_articles(redis_client)) == 1:
        next_cycle(redis_client, settings, clock)
        assert clock.now < START + POLICY.validate_every + 3 * HOUR, "never checked"

    assert feed_events("validators_distrusted") == distrusted + 1
    assert state_of(redis_client, feed).distrust_until is not None
    next_cycle(redis_client, settings, clock)  # from now on the ETag is not sent
    assert "if-none-match" not in {h.lower() for h in origin.headers_of("/stale.xml")[-1]}


def test_a_feed_failing_for_a_day_is_parked_and_a_success_unparks_it(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    origin.routes["/dead.xml"] = Route(b"gone fishing", status=404)
    feed = Feed(url=origin.url("/dead.xml"), interval=300)
    publish(redis_client, feed)
    parked, unparked = feed_events("parked"), feed_events("unparked")
    while state_of(redis_client, feed).health is not Health.PARKED:
        next_cycle(redis_client, settings, clock)
        assert clock.now < START + 5 * 86_400, "never parked"
    assert clock.now >= START + POLICY.park_after
    state = state_of(redis_client, feed)
    assert state.interval_reason.startswith("parked")
    assert 0 <= state.next_poll_at - clock.now - POLICY.parked_retry <= 0.1 * POLICY.parked_retry
    assert feed_events("parked") == parked + 1
    hits = origin.hits("/dead.xml")
    clock.advance(POLICY.parked_retry / 2)
    assert cycle(redis_client, settings, clock) == []  # retried rarely
    assert origin.hits("/dead.xml") == hits

    serve_feed(origin, "/dead.xml", items(1))  # back
    next_cycle(redis_client, settings, clock)
    assert state_of(redis_client, feed).health is Health.OK
    assert feed_events("unparked") == unparked + 1
    assert len(queued_articles(redis_client)) == 1


def test_410_parks_at_once(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    origin.routes["/gone.xml"] = Route(b"gone", status=410)
    feed = Feed(url=origin.url("/gone.xml"), interval=300)
    publish(redis_client, feed)
    cycle(redis_client, settings, clock)
    state = state_of(redis_client, feed)
    assert state.health is Health.PARKED and "gone (410)" in state.interval_reason
    assert START + POLICY.parked_retry <= state.next_poll_at <= START + 1.1 * POLICY.parked_retry


def test_a_301_that_holds_for_a_day_moves_the_feed(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    origin.routes["/old.xml"] = Route(status=301, location="/new.xml")
    serve_feed(origin, "/new.xml", items(1))
    feed = Feed(url=origin.url("/old.xml"), interval=3600)
    publish(redis_client, feed)
    moved = feed_events("moved")
    cycle(redis_client, settings, clock)
    state = state_of(redis_client, feed)
    assert (state.moved_to, state.fetch_url) == (origin.url("/new.xml"), "")
    assert len(queued_articles(redis_client)) == 1  # followed meanwhile

    while not state_of(redis_client, feed).fetch_url:
        next_cycle(redis_client, settings, clock)
        assert clock.now < START + POLICY.redirect_hold + 3 * HOUR, "never moved"
    assert clock.now >= START + POLICY.redirect_hold
    assert feed_events("moved") == moved + 1
    old_hits = origin.hits("/old.xml")
    next_cycle(redis_client, settings, clock)
    assert origin.hits("/old.xml") == old_hits  # polled at its new address only
    assert len(queued_articles(redis_client)) == 1


def test_the_churn_guard_holds_back_old_stories_under_new_guids(
    redis_client: redis.Redis, origin: Origin, settings: Settings, clock: Clock
) -> None:
    stories = items(*range(1, 26))
    serve_feed(origin, "/churn.xml", stories)
    feed = Feed(url=origin.url("/churn.xml"), interval=300)
    publish(redis_client, feed)
    cycle(redis_client, settings, clock)
    assert len(queued_articles(redis_client)) == 25
    churn = feed_events("churn")

    # the publisher's CMS renumbers every GUID; one story is really new
    renumbered = [{**story, "guid": f"cms2-{story['guid']}"} for story in stories]
    serve_feed(origin, "/churn.xml", [*renumbered, *items(26)])
    next_cycle(redis_client, settings, clock)

    assert feed_events("churn") == churn + 1
    assert [a["item_key"] for a in queued_articles(redis_client)][25:] == ["story-26"]
    next_cycle(redis_client, settings, clock)  # and they are not taken later either
    assert len(queued_articles(redis_client)) == 26
