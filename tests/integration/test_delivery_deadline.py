"""A delivery's timeout bounds the whole attempt, for webhooks and apprise channels alike: a
receiver that trickles its answer (a byte at a time, each well within the timeout), or an SMTP
server slow with each of several messages, is cut off at the timeout, so the attempt never
outlasts its lease and is never sent twice, and the delivery loop goes on."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY

from newswatch.core.ports import parse_port_ranges
from newswatch.core.render import Message
from newswatch.delivery import senders as senders_module
from newswatch.delivery.senders import MAX_OVERDUE_SENDS, Senders
from newswatch.net.outbound import GuardPolicy
from tests.support.receivers import Reply, SmtpSink, WebhookReceiver, new_secret

WAIT = 30  # seconds: a deadline for what is expected to end, never an assertion
MESSAGE = Message("[trade] Tariffs rise", "Tariffs rise\nhttps://news.example.com/1", "")


def test_a_trickled_answer_is_cut_off_at_the_delivery_timeout() -> None:
    # the answer is 80 bytes, one every 0.1 s: 8 s in all, each read far within 1 s
    receiver = WebhookReceiver(new_secret(), [Reply(200, drip=0.1), Reply(200)])
    policy = GuardPolicy(allow_private=True, ports=parse_port_ranges("1-65535"))
    senders = Senders(policy, timeout=1.0, user_agent="newswatch-test")
    try:
        with receiver.running():
            payload = {"delivery": {"kind": "test"}}
            trickled = senders.webhook(
                receiver.url, msg_id="msg_1", payload=payload, secrets=[receiver.secret]
            )
            answered = senders.webhook(
                receiver.url, msg_id="msg_2", payload=payload, secrets=[receiver.secret]
            )
    finally:
        senders.close()
    assert (trickled.ok, trickled.reason, trickled.retryable) == (False, "timeout", True)
    assert (answered.ok, answered.status) == (True, 200)  # the next attempt has its own time


@pytest.fixture
def senders() -> Iterator[Senders]:
    policy = GuardPolicy(allow_private=True, ports=parse_port_ranges("1-65535"))
    made = Senders(policy, timeout=0.5, user_agent="newswatch-test")
    yield made
    made.close()
    # the sends left running past their timeout end with their receiver's answer
    deadline = time.monotonic() + WAIT
    while senders_module._overdue._hosts:
        assert time.monotonic() < deadline, "an overdue apprise send never ended"
        time.sleep(0.05)


def test_an_apprise_send_to_a_trickling_receiver_is_cut_off_at_the_timeout(
    senders: Senders,
) -> None:
    # 80 bytes, one every 0.05 s: 4 s in all, each read far within the 0.5 s timeout
    receiver = WebhookReceiver(new_secret(), [Reply(200, drip=0.05), Reply(200)])
    with receiver.running():
        url = receiver.url.replace("http://", "json://")
        trickled = senders.apprise(url, MESSAGE)
        answered = senders.apprise(url, MESSAGE)
    assert (trickled.ok, trickled.reason, trickled.retryable) == (False, "timeout", True)
    assert "within the delivery timeout" in trickled.detail
    # the next attempt has its own time: apprise's json:// is unsigned, so the receiver's 401
    assert (answered.ok, answered.reason) == (False, "http_401")


def test_an_email_to_a_slow_smtp_server_is_cut_off_at_the_timeout(senders: Senders) -> None:
    sink = SmtpSink(delay=0.3)  # each of four messages 0.3 s: each reply within 0.5 s
    with sink.running():
        to = ",".join(f"reader{n}@example.org" for n in range(4))
        sent = senders.apprise(sink.url(to), MESSAGE)
    assert (sent.ok, sent.reason, sent.retryable) == (False, "timeout", True)


def test_sends_past_their_timeout_are_capped_per_host(senders: Senders) -> None:
    replies = [Reply(200, drip=0.05) for _ in range(MAX_OVERDUE_SENDS)]
    receiver = WebhookReceiver(new_secret(), replies)
    with receiver.running():
        url = receiver.url.replace("http://", "json://")
        late = [senders.apprise(url, MESSAGE) for _ in range(MAX_OVERDUE_SENDS)]
        refused = senders.apprise(url, MESSAGE)
        receiver.wait_for(MAX_OVERDUE_SENDS)
    assert [s.reason for s in late] == ["timeout"] * MAX_OVERDUE_SENDS
    assert (refused.reason, refused.retryable) == ("timeout", True)
    assert "to this host are still running past the delivery timeout" in refused.detail
    assert len(receiver.received) == MAX_OVERDUE_SENDS  # the refused one never connected


def overdue(outcome: str) -> float:
    return REGISTRY.get_sample_value("newswatch_apprise_overdue_total", {"outcome": outcome}) or 0


def test_sends_past_their_timeout_are_capped_in_all(
    senders: Senders, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many slow hosts, one late send each, must not pile up threads either: past
    MAX_OVERDUE_TOTAL (here lowered to 1) sends to any host fail at once, and both the sends
    left running and the refusals are counted."""
    monkeypatch.setattr(senders_module, "MAX_OVERDUE_TOTAL", 1)
    before = overdue("left_running"), overdue("refused")
    receiver = WebhookReceiver(new_secret(), [Reply(200, drip=0.05)])
    with receiver.running():
        late = senders.apprise(receiver.url.replace("http://", "json://"), MESSAGE)
        # another host (the same receiver by another name), within its own per-host cap
        other = receiver.url.replace("http://127.0.0.1", "json://localhost")
        refused = senders.apprise(other, MESSAGE)
        receiver.wait_for(1)
    assert late.reason == "timeout"
    assert (refused.reason, refused.retryable) == ("timeout", True)
    assert "1 earlier apprise sends are still running" in refused.detail
    assert "at most 1 in all" in refused.detail
    assert len(receiver.received) == 1  # the refused one never connected
    assert (overdue("left_running"), overdue("refused")) == (before[0] + 1, before[1] + 1)
