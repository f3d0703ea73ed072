"""A webhook delivery's timeout bounds the whole attempt: a receiver that trickles its
answer (a byte at a time, each well within the timeout) is cut off at the timeout, so the
attempt never outlasts its lease and is never sent twice."""

from __future__ import annotations

from newswatch.core.ports import parse_port_ranges
from newswatch.delivery.senders import Senders
from newswatch.net.outbound import GuardPolicy
from tests.support.receivers import Reply, WebhookReceiver, new_secret


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
