"""Issue 11's timing row against a real origin and Redis, with a clock the origin moves: a poll
that took 90 s schedules the next one from its END, and a 429's Retry-After is honoured."""

from __future__ import annotations

import redis

from newswatch.core.catalog import Feed
from newswatch.store.feeds import FeedStateStore
from tests.support.origin import Origin, Route
from tests.support.scheduling import Clock, cycle, items, make_settings, publish, serve_feed


def test_a_90_s_poll_then_a_429_are_scheduled_from_the_end_of_the_poll(
    redis_client: redis.Redis, redis_url: str, origin: Origin
) -> None:
    clock = Clock()
    settings = make_settings(redis_url)
    serve_feed(origin, "/feed.xml", items(1), etag='"v1"')
    feed = Feed(url=origin.url("/feed.xml"), interval=60)  # shorter than the poll itself
    publish(redis_client, feed)
    # the feed's request "takes" 90 s
    origin.on_request = lambda path: clock.advance(90) if path == "/feed.xml" else None
    started = clock.now

    (first,) = cycle(redis_client, settings, clock)

    state = FeedStateStore(redis_client).get_state(feed.id)
    ended = started + 90
    assert (first.result, state.last_polled_at, state.last_duration) == ("ok", ended, 90)
    # the next poll is an interval after the END: not due at once (the poll started 90 s ago)
    assert state.next_poll_at >= ended + 60
    assert cycle(redis_client, settings, clock) == []

    # then the server asks us to wait 120 s
    origin.routes["/feed.xml"] = Route(
        b"busy", status=429, content_type="text/plain", headers={"Retry-After": "120"}
    )
    clock.now = state.next_poll_at
    second_start = clock.now
    (second,) = cycle(redis_client, settings, clock)

    after = FeedStateStore(redis_client).get_state(feed.id)
    assert (second.result, second.reason, after.retry_after) == ("error", "http_status", 120)
    assert after.next_poll_at >= second_start + 90 + 120
    clock.now = second_start + 90 + 119
    assert cycle(redis_client, settings, clock) == []  # not before the Retry-After
    assert origin.hits("/feed.xml") == 2
