"""Delivery jobs: the worker side of delivery.

Each worker process runs one delivery thread (:class:`DeliveryService`) beside its article
jobs. The thread turns alert events into deliveries (the dispatcher), closes digest periods,
and sends the deliveries that are due: it claims them with a lease, sends, and records the
outcome once.

- sent: recorded sent exactly once (a second sender finishing the same delivery changes
  nothing), counted, its latency (alert created -> delivered) observed;
- a failure worth a retry (timeout, 5xx, 408, 429): tried again after a growing, jittered
  delay, never sooner than the receiver's Retry-After, with the same ``webhook-id``;
- a permanent failure (another 4xx) or the last attempt: the dead-letter list, with the
  reason, until ``newswatch deliveries replay ID``;
- 410 Gone: the channel is disabled (and says so in the API and the CLI), the delivery dead.

A worker killed mid-send leaves its delivery leased; when the lease runs out another sender
takes it, with the same id: at most one retry, never a second message with a new id.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import redis

from newswatch import metrics
from newswatch.api.contract import public_alert
from newswatch.config import Settings
from newswatch.core.channels import channel_id
from newswatch.core.delivery import RetryPolicy, retry_delay
from newswatch.delivery import content
from newswatch.delivery.dispatch import Dispatcher
from newswatch.delivery.senders import Senders, Sent
from newswatch.logs import get_logger
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.deliveries import Delivery, DeliveryStore

log = get_logger(__name__)

IDLE_WAIT = 0.5  # seconds between two looks at the due queue when it was empty


class DeliverySender:
    """Sends due deliveries and records how each went."""

    def __init__(
        self,
        client: redis.Redis,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
    ):
        self.store = DeliveryStore(client)
        self.alerts = AlertStore(client)
        self.catalog = CatalogStore(client)
        self.senders = Senders.from_settings(settings)
        self.clock = clock
        self.jitter = jitter
        self.lease = settings.delivery_lease
        self.policy = RetryPolicy(
            attempts=settings.delivery_attempts,
            base=settings.delivery_retry_base,
            cap=settings.delivery_retry_max,
        )

    def close(self) -> None:
        self.senders.close()

    def step(self, count: int = 5) -> int:
        """Send what is due now; returns how many deliveries were attempted."""
        claimed = self.store.claim(now=self.clock(), lease=self.lease, count=count)
        for delivery in claimed:
            self.deliver(delivery)
        return len(claimed)

    def deliver(self, delivery: Delivery) -> Sent | None:
        """One attempt of a claimed delivery; None when there was nothing to send to."""
        entry = self.catalog.get("subscription", delivery.subscription)
        subscription = entry.item if entry is not None else None
        url = next(
            (
                u
                for u in (subscription.channels if subscription else ())
                if channel_id(subscription.name, u) == delivery.channel  # type: ignore[union-attr]
            ),
            None,
        )
        now = self.clock()
        if subscription is None or url is None:
            self.store.mark_dropped(
                delivery.id, now=now, why="the subscription or channel was removed"
            )
            metrics.DELIVERIES.labels(delivery.channel_kind, "dropped").inc()
            return None
        disabled = self.store.disabled().get(delivery.channel)
        if disabled is not None:
            why = f"channel disabled: {disabled.get('why', '')}"
            self._dead(delivery, "channel_disabled", why)
            return None
        alerts = [public_alert(a) for a in self.alerts.get_many(list(delivery.alerts))]
        if not alerts:
            self._dead(delivery, "alert_gone", "its alerts are no longer stored")
            return None
        message, payload = content.build(
            delivery_id=delivery.id,
            kind=delivery.kind,
            subscription=delivery.subscription,
            note=delivery.note,
            alerts=alerts,
        )
        sent = self.senders.send(
            url,
            msg_id=delivery.msg_id,
            message=message,
            payload=payload,
            secrets=subscription.webhook_secrets,
        )
        self._record(delivery, sent)
        return sent

    def _record(self, delivery: Delivery, sent: Sent) -> None:
        now = self.clock()
        kind = delivery.channel_kind
        if sent.ok:
            if self.store.mark_sent(delivery.id, now=now):
                metrics.DELIVERIES.labels(kind, "sent").inc()
                metrics.DELIVERY_LATENCY.labels(kind).observe(max(0.0, now - delivery.alert_at))
                if delivery.kind == "digest":
                    metrics.DIGESTS_SENT.labels(kind).inc()
                log.info(
                    "delivery sent", delivery_id=delivery.id, channel=delivery.channel,
                    attempt=delivery.attempts,
                )  # fmt: skip
            return
        error = f"{sent.detail} (attempt {delivery.attempts})"
        if sent.gone:
            self.store.disable(
                delivery.channel,
                subscription=delivery.subscription,
                why=f"answered 410 Gone on {time.strftime('%Y-%m-%d %H:%M', time.gmtime(now))} UTC",
                now=now,
            )
            log.warning(
                "channel disabled", channel=delivery.channel, subscription=delivery.subscription,
                reason="410 Gone",
            )  # fmt: skip
            metrics.DELIVERIES.labels(kind, "disabled").inc()
            self._dead(delivery, sent.reason, error, count=False)
        elif not sent.retryable or delivery.attempts >= self.policy.attempts:
            self._dead(delivery, sent.reason, error)
        else:
            delay = retry_delay(
                self.policy, delivery.attempts, jitter=self.jitter(), retry_after=sent.retry_after
            )
            self.store.retry_at(delivery.id, now + delay, reason=sent.reason, error=error)
            metrics.DELIVERIES.labels(kind, "retry").inc()
            log.info(
                "delivery retry",
                delivery_id=delivery.id,
                reason=sent.reason,
                retry_in=round(delay, 1),
            )

    def _dead(self, delivery: Delivery, reason: str, error: str, *, count: bool = True) -> None:
        if self.store.mark_dead(delivery.id, now=self.clock(), reason=reason, error=error):
            if count:
                metrics.DELIVERIES.labels(delivery.channel_kind, "dead").inc()
            log.warning(
                "delivery dead", delivery_id=delivery.id, channel=delivery.channel, reason=reason
            )


class DeliveryService:
    """The delivery thread of a worker process: dispatch events, close digests, send."""

    def __init__(self, client: redis.Redis, settings: Settings, *, consumer: str):
        self.dispatcher = Dispatcher(client, consumer=consumer)
        self.sender = DeliverySender(client, settings)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self, *, block_ms: int | None = None) -> int:
        handled = self.dispatcher.step(block_ms=block_ms)
        handled += self.dispatcher.digests()
        return handled + self.sender.step()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.run_once(block_ms=int(IDLE_WAIT * 1000)):
                    self._stop.wait(0.05)
            except redis.exceptions.RedisError as exc:
                log.warning("delivery redis error, trying again", error=str(exc))
                self._stop.wait(1.0)
            except Exception:  # a bug must not end deliveries for the life of the process
                log.exception("delivery loop failed, going on")
                self._stop.wait(1.0)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.sender.close()
