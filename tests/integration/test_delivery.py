"""Deliveries against real receivers on 127.0.0.1 and a real Redis: signed webhooks with
retries, timeouts, 410, dead letters and replay; email through an SMTP sink; another apprise
channel; digests and quiet hours on a controllable clock."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import redis

from newswatch.core.channels import channel_id
from newswatch.store.deliveries import DeliveryStore
from tests.support.delivering import Clock, Stepper, alert, subscribe
from tests.support.receivers import Reply, SmtpSink, WebhookReceiver, new_secret


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stepper(redis_client: redis.Redis, clock: Clock) -> Iterator[Stepper]:
    step = Stepper(redis_client, clock)
    yield step
    step.close()


def _webhook(script: list[Reply]) -> WebhookReceiver:
    return WebhookReceiver(new_secret(), script)


def test_webhook_failing_three_times_then_accepting_is_one_delivery_with_one_id(
    redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    receiver = _webhook([Reply(503), Reply(500), Reply(429, {"Retry-After": "30"}), Reply(200)])
    with receiver.running():
        subscribe(
            redis_client, ["trade"], channels=[receiver.url], webhook_secrets=[receiver.secret]
        )
        made = alert(redis_client, "trade", at=clock.now)
        store = DeliveryStore(redis_client)
        for expected_wait in (1.0, 2.0, 30.0):  # base 1 s doubled; then the Retry-After
            stepper.run(1)
            (pending,) = store.recent()
            assert pending.status == "queued"
            assert pending.next_at - clock.now == pytest.approx(expected_wait)
            clock.advance(expected_wait)
        stepper.run(2)
        requests = receiver.wait_for(4)
    assert [r.status for r in requests] == [503, 500, 429, 200]
    assert all(r.verified for r in requests)
    assert len(set(receiver.ids())) == 1
    (delivery,) = store.recent()
    assert delivery.status == "sent" and delivery.attempts == 4
    assert receiver.ids()[0] == delivery.msg_id
    payload = json.loads(requests[-1].body)
    assert payload["id"] == made.id and payload["topic"] == "trade"
    assert payload["delivery"]["kind"] == "alert"
    stepper.run(2)
    assert len(receiver.received) == 4  # nothing more once sent


def test_a_receiver_answering_after_the_timeout_is_retried(
    redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    receiver = _webhook([Reply(200, delay=3.0)])  # the client gives up after 2 s
    with receiver.running():
        subscribe(
            redis_client, ["trade"], channels=[receiver.url], webhook_secrets=[receiver.secret]
        )
        alert(redis_client, "trade", at=clock.now)
        stepper.run(1)
        (delivery,) = DeliveryStore(redis_client).recent()
        assert delivery.status == "queued" and delivery.reason == "timeout"
        clock.advance(delivery.next_at - clock.now)
        stepper.run(1)
        receiver.wait_for(2)
    (delivery,) = DeliveryStore(redis_client).recent()
    assert delivery.status == "sent" and delivery.attempts == 2
    assert len(set(receiver.ids())) == 1


def test_410_disables_the_channel_and_the_delivery_is_a_dead_letter(
    redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    receiver = _webhook([Reply(410)])
    with receiver.running():
        subscription = subscribe(
            redis_client, ["trade"], channels=[receiver.url], webhook_secrets=[receiver.secret]
        )
        alert(redis_client, "trade", at=clock.now)
        stepper.run(2)
        alert(redis_client, "trade", title="Second story", at=clock.now)
        stepper.run(2)
    store = DeliveryStore(redis_client)
    channel = channel_id(subscription.name, receiver.url)
    assert "410" in store.disabled()[channel]["why"]
    (dead,) = store.dead_letters()
    assert dead.reason == "http_410"
    assert len(receiver.received) == 1  # the disabled channel gets nothing more


def test_a_permanent_4xx_is_a_dead_letter_and_replay_sends_it_again(
    redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    receiver = _webhook([Reply(400)])
    with receiver.running():
        subscribe(
            redis_client, ["trade"], channels=[receiver.url], webhook_secrets=[receiver.secret]
        )
        alert(redis_client, "trade", at=clock.now)
        stepper.run(2)
        store = DeliveryStore(redis_client)
        (dead,) = store.dead_letters()
        assert dead.reason == "http_400" and dead.attempts == 1
        assert "HTTP 400" in dead.last_error
        store.replay(dead.id, now=clock.now)
        stepper.run(2)
        receiver.wait_for(2)
    assert store.dead_letters() == []
    assert store.get(dead.id).status == "sent"  # type: ignore[union-attr]
    assert len(set(receiver.ids())) == 1


def test_retries_exhausted_end_in_the_dead_letter_list(
    redis_client: redis.Redis, clock: Clock
) -> None:
    receiver = _webhook([Reply(503)] * 10)
    step = Stepper(redis_client, clock, delivery_attempts=3)
    with receiver.running():
        subscribe(
            redis_client, ["trade"], channels=[receiver.url], webhook_secrets=[receiver.secret]
        )
        alert(redis_client, "trade", at=clock.now)
        for _ in range(5):
            step.run(1)
            clock.advance(3600)
    step.close()
    (dead,) = DeliveryStore(redis_client).dead_letters()
    assert dead.attempts == 3 and dead.reason == "http_503"
    assert len(receiver.received) == 3


def test_email_through_an_smtp_sink_with_hostile_titles(
    redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    sink = SmtpSink()
    with sink.running():
        subscribe(redis_client, ["trade"], channels=[sink.url()])
        alert(
            redis_client,
            "trade",
            title="Summit\r\nBcc: x@evil.example ends @everyone",
            at=clock.now,
        )
        stepper.run(2)
        (message,) = sink.wait_for(1)
    assert message["Subject"] == "[trade] Summit Bcc: x@evil.example ends @\u200beveryone"
    assert message["Bcc"] is None
    assert sink.handler.envelopes[0][1] == ["reader@example.org"]
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "*summit*" in body and "news.example.com" in body


def test_digest_mode_sends_one_message_per_period_grouped_by_topic(
    redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    sink = SmtpSink()
    with sink.running():
        subscribe(
            redis_client, ["trade", "energy"], channels=[sink.url()], mode="digest", digest="1h"
        )
        stepper.run(1)  # the channel's first period starts now
        alert(redis_client, "trade", title="Tariffs rise", at=clock.now)
        alert(redis_client, "energy", title="Gas prices fall", at=clock.now + 1)
        alert(redis_client, "trade", title="Port strike", at=clock.now + 2)
        stepper.run(2)
        assert sink.messages == []
        clock.advance(3600)
        stepper.run(2)
        (message,) = sink.wait_for(1)
        clock.advance(3600)
        stepper.run(2)  # an empty period sends nothing
    assert message["Subject"] == "newswatch digest for sub: 3 stories"
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.index("== trade (2) ==") < body.index("Port strike") < body.index("Tariffs rise")
    assert "== energy (1) ==" in body
    assert len(sink.messages) == 1


def test_quiet_hours_hold_alerts_then_release_a_digest_when_they_end(
    redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    receiver = _webhook([])
    with receiver.running():
        subscribe(
            redis_client,
            ["trade", "war"],
            channels=[receiver.url],
            webhook_secrets=[receiver.secret],
            quiet_hours="22:00-07:00",
            timezone="Europe/Paris",
            urgent_topics=["war"],
        )
        clock.at("2027-01-15T22:30:00+01:00")
        alert(redis_client, "trade", title="Night tariffs", at=clock.now)
        alert(redis_client, "war", title="Urgent news", at=clock.now)
        stepper.run(2)
        (urgent,) = receiver.wait_for(1)
        assert json.loads(urgent.body)["topic"] == "war"
        clock.at("2027-01-16T06:59:00+01:00")
        stepper.run(2)
        assert len(receiver.received) == 1
        clock.at("2027-01-16T07:00:00+01:00")
        stepper.run(2)
        _, digest = receiver.wait_for(2)
    payload = json.loads(digest.body)
    assert payload["type"] == "digest" and payload["count"] == 1
    assert payload["alerts"][0]["article"]["title"] == "Night tariffs"


def test_min_sources_and_crossing_n_sources(redis_client: redis.Redis) -> None:
    from newswatch.core.delivery import news_of
    from newswatch.core.validate import validate_subscription

    sub = validate_subscription(
        {"name": "s", "topics": ["t"], "min_sources": 2, "notify_at_sources": 5}
    )
    assert news_of(sub, before=0, after=1) is None
    assert news_of(sub, before=1, after=2) == "new"
    assert news_of(sub, before=2, after=3) is None
    assert news_of(sub, before=4, after=6) == "sources-5"
    assert news_of(sub, before=0, after=6) == "new"  # first sent: no separate crossing


def test_an_apprise_json_channel_against_a_local_receiver(
    redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    receiver = WebhookReceiver(new_secret())  # apprise's json:// is not signed: counted as 401
    with receiver.running():
        port = receiver.url.split(":")[2].split("/")[0]
        subscribe(redis_client, ["trade"], channels=[f"json://127.0.0.1:{port}/hook"])
        alert(redis_client, "trade", title="Tariffs <rise>", at=clock.now)
        stepper.run(2)
        (request,) = receiver.wait_for(1)
    body = json.loads(request.body)
    assert body["title"] == "[trade] Tariffs <rise>"
    assert "news.example.com" in body["message"]
    # the receiver answered 401 (no signature): apprise's failure is recorded with the status
    (delivery,) = DeliveryStore(redis_client).dead_letters()
    assert delivery.reason == "http_401"


def test_the_guard_refuses_private_receivers_unless_allowed(
    redis_client: redis.Redis, clock: Clock
) -> None:
    receiver = _webhook([])
    step = Stepper(redis_client, clock, allow_private_networks=False)
    with receiver.running():
        subscribe(
            redis_client,
            ["trade"],
            channels=[receiver.url, "json://127.0.0.1:9/x"],
            webhook_secrets=[receiver.secret],
        )
        alert(redis_client, "trade", at=clock.now)
        step.run(2)
    step.close()
    reasons = sorted(d.reason for d in DeliveryStore(redis_client).dead_letters())
    assert reasons == ["blocked_address", "blocked_address"]
    assert receiver.received == []


def test_cli_lists_dead_letters_replays_them_and_tests_a_subscription(
    redis_url: str, redis_client: redis.Redis, clock: Clock, stepper: Stepper
) -> None:
    from tests.support.cli import newswatch

    env = {"allow_private_networks": "true", "delivery_ports": "1-65535"}
    receiver = _webhook([Reply(404)])
    with receiver.running():
        subscribe(
            redis_client,
            ["trade"],
            channels=[receiver.url, "json://127.0.0.1:9/x"],
            webhook_secrets=[receiver.secret],
        )
        alert(redis_client, "trade", at=clock.now)
        stepper.run(2)
        dead = newswatch("deliveries", "dead", "--json", redis_url=redis_url, **env)
        letters = [json.loads(line) for line in dead.stdout.splitlines()]
        webhook_letter = next(d for d in letters if d.get("channel_kind") == "webhook")
        assert webhook_letter["reason"] == "http_404"
        replay = newswatch("deliveries", "replay", webhook_letter["id"], redis_url=redis_url, **env)
        assert replay.returncode == 0, replay.stderr
        stepper.run(2)
        assert DeliveryStore(redis_client).get(webhook_letter["id"]).status == "sent"  # type: ignore[union-attr]
        tested = newswatch("subscriptions", "test", "sub", redis_url=redis_url, **env)
        unknown = newswatch("deliveries", "replay", "nope", redis_url=redis_url, **env)
    assert tested.returncode == 1  # the json:// channel on port 9 does not answer
    lines = tested.stdout.splitlines()
    assert lines[0] == f"http://127.0.0.1:{receiver.url.split(':')[2].split('/')[0]}/***: ok"
    assert lines[1].startswith("json://127.0.0.1:9/***: FAILED")
    assert json.loads(receiver.received[-1].body)["delivery"]["kind"] == "test"
    assert unknown.returncode == 2 and "no dead letter 'nope'" in unknown.stderr


def test_empty_delivery_lists_say_so(redis_url: str, redis_client: redis.Redis) -> None:
    from tests.support.cli import newswatch

    listed = newswatch("deliveries", "list", redis_url=redis_url)
    assert (listed.returncode, listed.stdout) == (0, "no deliveries yet\n"), listed.stderr
    dead = newswatch("deliveries", "dead", redis_url=redis_url)
    assert dead.stdout == "no dead letters and no disabled channels\n"
    assert newswatch("deliveries", "list", "--json", redis_url=redis_url).stdout == ""
    DeliveryStore(redis_client).disable("chan1", subscription="sub", why="410 Gone", now=1.0)
    dead = newswatch("deliveries", "dead", redis_url=redis_url)
    assert dead.stdout == "no dead letters\nchannel chan1 of sub disabled: 410 Gone\n"


def test_a_limit_out_of_its_range_is_refused_not_clamped(redis_url: str) -> None:
    from tests.support.cli import newswatch

    for command, limit in (("list", "0"), ("dead", "1001")):
        refused = newswatch("deliveries", command, "--limit", limit, redis_url=redis_url)
        assert refused.returncode == 2, refused.stdout  # was: 1 or 1000 deliveries shown
        assert "Invalid value for '--limit'" in refused.stderr
