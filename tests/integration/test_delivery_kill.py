"""A real `newswatch worker` process SIGKILLed while it sends a delivery: another worker
takes the delivery when its lease runs out and sends it again with the same webhook-id; the
receiver sees one distinct id, and the delivery is recorded sent once."""

from __future__ import annotations

import os
import signal
import time

import redis

from newswatch.store.deliveries import DeliveryStore
from tests.support.cli import start_worker
from tests.support.delivering import alert, subscribe
from tests.support.receivers import Reply, WebhookReceiver, new_secret

SETTINGS = {
    "allow_private_networks": "true",
    "delivery_ports": "1-65535",
    "delivery_timeout": "10",
    "delivery_lease": "12",
    "metrics_port": "0",
}


def test_a_worker_killed_mid_send_causes_one_retry_with_the_same_id(
    redis_url: str, redis_client: redis.Redis
) -> None:
    # the first request hangs (the worker is killed while waiting for the answer)
    receiver = WebhookReceiver(new_secret(), [Reply(200, delay=8.0)])
    with receiver.running():
        subscribe(
            redis_client, ["trade"], channels=[receiver.url], webhook_secrets=[receiver.secret]
        )
        alert(redis_client, "trade", at=time.time())
        first = start_worker(redis_url, **SETTINGS)
        try:
            assert receiver.arrived.wait(60), "the first worker never sent"
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
            second = start_worker(redis_url, **SETTINGS)
            try:
                receiver.wait_for(2, timeout=60)
                deadline = time.monotonic() + 20
                store = DeliveryStore(redis_client)
                while time.monotonic() < deadline and store.recent()[0].status != "sent":
                    time.sleep(0.1)
            finally:
                second.send_signal(signal.SIGTERM)
                second.wait(30)
        finally:
            if first.poll() is None:
                first.kill()
    (delivery,) = DeliveryStore(redis_client).recent()
    assert delivery.status == "sent" and delivery.attempts == 2
    assert len(receiver.received) == 2
    assert set(receiver.ids()) == {delivery.msg_id}  # one distinct id
