"""The dispatcher: from alert events to deliveries.

It reads the alert event stream as the ``delivery`` consumer group (never the capped alert
list, which may drop an alert no one has read), and for each event asks every subscription
that follows the topic what it hears (:func:`newswatch.core.delivery.news_of`): a new story,
a story crossing a sources count, or nothing. For each channel the alert is either sent now (a
delivery with an id derived from the alert, the channel and the news, created once) or held
for the channel's next digest (digest mode, quiet hours, rate cap). The event is
acknowledged once all of that is written, so a dispatcher that dies mid-event leaves it to be
read again, and the deterministic ids make the second reading create nothing twice.

:meth:`Dispatcher.digests` closes the digest periods that are due: the held alerts of a
channel move, in one Lua call, into one digest delivery.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import redis

from newswatch.core.catalog import Subscription
from newswatch.core.channels import channel_id, channel_kind
from newswatch.core.delivery import (
    DigestSchedule,
    QuietHours,
    Route,
    digest_due,
    news_of,
    parse_quiet_hours,
    parse_schedule,
    route,
    zone,
)
from newswatch.core.models import AlertEvent, EventKind, short_hash
from newswatch.core.times import unix_from_iso
from newswatch.core.validate import parse_interval
from newswatch.logs import get_logger
from newswatch.store import keys
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.deliveries import Delivery, DeliveryStore

log = get_logger(__name__)

MAX_EVENT_AGE = 24 * 3600.0  # an event older than this (a long outage) is not delivered late
STALE_CONSUMER_MS = 60_000  # events a dead dispatcher took are taken over after this


class _Plan:
    """A subscription with its parsed schedule, quiet hours and zone (parsed once per
    catalogue version: they were validated when saved)."""

    def __init__(self, subscription: Subscription):
        self.subscription = subscription
        self.tz = zone(subscription.timezone)
        self.quiet: QuietHours | None = (
            parse_quiet_hours(subscription.quiet_hours) if subscription.quiet_hours else None
        )
        self.schedule: DigestSchedule | None = (
            parse_schedule(subscription.digest, parse_interval) if subscription.digest else None
        )
        self.channels = [(channel_id(subscription.name, url), url) for url in subscription.channels]


class Dispatcher:
    def __init__(
        self,
        client: redis.Redis,
        *,
        consumer: str,
        clock: Callable[[], float] = time.time,
        events: AlertEvents | None = None,
    ):
        self.client = client
        self.consumer = consumer
        self.clock = clock
        self.events = events or AlertEvents(client)
        self.alerts = AlertStore(client)
        self.catalog = CatalogStore(client)
        self.store = DeliveryStore(client)
        self._plans: list[_Plan] = []
        self._version: int | None = None
        self._resumed = False
        self.events.ensure_group(keys.DELIVERY_GROUP)

    # -- subscriptions -------------------------------------------------------------------

    def plans(self) -> list[_Plan]:
        """Every subscription with channels; re-read when the catalogue's subscriptions
        changed."""
        version = self.catalog.version("subscription")
        if version != self._version:
            plans = []
            for subscription in self.catalog.subscriptions():
                if not subscription.channels:
                    continue
                try:
                    plans.append(_Plan(subscription))
                except ValueError as exc:  # written by hand or by a newer release
                    log.error(
                        "subscription skipped", subscription=subscription.name, error=str(exc)
                    )
            self._plans, self._version = plans, version
        return self._plans

    # -- events --------------------------------------------------------------------------

    def step(self, *, block_ms: int | None = 1000) -> int:
        """Handle the next events (after a restart, first those this consumer had taken and
        not acknowledged, then those a dead one left); returns how many were handled."""
        group = keys.DELIVERY_GROUP
        events = []
        if not self._resumed:
            events = self.events.read_group(group, self.consumer, pending=True)
            self._resumed = not events
        if not events:
            events = self.events.claim_stale(group, self.consumer, min_idle_ms=STALE_CONSUMER_MS)
        if not events:
            events = self.events.read_group(group, self.consumer, block_ms=block_ms)
        for event in events:
            self.handle(event)
            self.events.ack(group, [event.id])
        return len(events)

    def handle(self, event: AlertEvent) -> int:
        """The deliveries and holds of one event; returns how many deliveries it created."""
        alert = self.alerts.get(event.alert_id)
        if alert is None:
            log.warning(
                "alert not delivered", alert_id=event.alert_id, event_id=event.id,
                reason="no longer stored",
            )  # fmt: skip
            return 0
        data = alert.to_dict()
        now = self.clock()
        try:
            alert_at = unix_from_iso(alert.created_at)
        except ValueError:
            alert_at = now
        if now - alert_at > MAX_EVENT_AGE and event.kind == EventKind.CREATED.value:
            log.warning("alert not delivered", alert_id=alert.id, reason="older than a day")
            return 0
        after = max(1, event.sources_count, int(data.get("sources_count") or 0))
        before = (
            0 if event.kind == EventKind.CREATED.value else max(0, after - len(event.new_sources))
        )
        created = 0
        for plan in self.plans():
            if event.topic in plan.subscription.topics:
                news = news_of(plan.subscription, before=before, after=after)
                if news is not None:
                    created += self._route(plan, alert.id, event.topic, news, alert_at, now)
        return created

    def _route(
        self, plan: _Plan, alert_id: str, topic: str, news: str, alert_at: float, now: float
    ) -> int:
        created = 0
        disabled = self.store.disabled()
        moment = datetime.fromtimestamp(now, UTC)
        for channel, url in plan.channels:
            if channel in disabled:
                continue
            way, why = route(
                plan.subscription,
                topic,
                moment,
                sent_last_hour=self.store.sends_last_hour(channel, now=now),
                quiet=plan.quiet,
                tz=plan.tz,
            )
            if way is Route.HOLD:
                self.store.anchor(channel, now=now)
                self.store.hold(channel, alert_id, now=now)
                log.info("alert held", alert_id=alert_id, channel=channel, reason=why)
                continue
            delivery = Delivery(
                id=short_hash("delivery", alert_id, channel, news),
                kind="alert" if news == "new" else "update",
                subscription=plan.subscription.name,
                channel=channel,
                channel_kind=channel_kind(url),
                alerts=(alert_id,),
                note=news,
                created_at=now,
                alert_at=alert_at,
            )
            if self.store.create(delivery, now=now):
                created += 1
        return created

    # -- digests -------------------------------------------------------------------------

    def digests(self) -> int:
        """Close the digest periods that are due; returns how many digests were created."""
        now = self.clock()
        moment = datetime.fromtimestamp(now, UTC)
        created = 0
        for plan in self.plans():
            for channel, url in plan.channels:
                held = self.store.held(channel)
                if plan.subscription.mode != "digest" and held == 0:
                    continue
                anchor = self.store.anchor(channel, now=now)
                due = digest_due(
                    plan.subscription,
                    moment,
                    anchor=datetime.fromtimestamp(anchor, UTC),
                    held=held,
                    sent_last_hour=self.store.sends_last_hour(channel, now=now),
                    quiet=plan.quiet,
                    schedule=plan.schedule,
                    tz=plan.tz,
                )
                if due and self._release(plan, channel, url, anchor, now):
                    created += 1
        return created

    def _release(self, plan: _Plan, channel: str, url: str, anchor: float, now: float) -> bool:
        why = "digest" if plan.subscription.mode == "digest" else "held"
        digest = Delivery(
            id=short_hash("digest", channel, repr(anchor)),
            kind="digest",
            subscription=plan.subscription.name,
            channel=channel,
            channel_kind=channel_kind(url),
            alerts=(),
            note=why,
            created_at=now,
            alert_at=self._oldest_held(channel, now),
        )
        count = self.store.release(digest, now=now)
        if count:
            log.info("digest", digest_id=digest.id, alerts=count, channel=channel)
        return count > 0

    def _oldest_held(self, channel: str, now: float) -> float:
        oldest: Any = self.client.zrange(keys.channel_held(channel), 0, 0, withscores=True)
        return float(oldest[0][1]) if oldest else now
