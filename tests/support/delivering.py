"""Helpers for delivery tests: a controllable clock, settings that reach 127.0.0.1, alerts
written through the store, and a delivery service stepped by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from newswatch.config import Settings
from newswatch.core.catalog import Subscription, Topic
from newswatch.core.models import Alert, short_hash
from newswatch.core.validate import validate_subscription
from newswatch.delivery.dispatch import Dispatcher
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from worker.delivery import DeliverySender


@dataclass
class Clock:
    now: float = 1_800_000_000.0  # 2027-01-15T08:00:00Z

    def __call__(self) -> float:
        return self.now

    def at(self, iso: str) -> None:
        self.now = datetime.fromisoformat(iso).timestamp()

    def advance(self, seconds: float) -> None:
        self.now += seconds


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "allow_private_networks": True,
        "delivery_ports": "1-65535",
        "delivery_timeout": 2.0,
        "delivery_retry_base": 1.0,
        "delivery_lease": 5.0,
        "delivery_attempts": 5,
    }
    values.update(overrides)
    return Settings(**values)


def subscribe(client: redis.Redis, topics: list[str], **fields: Any) -> Subscription:
    catalog = CatalogStore(client)
    for topic in topics:
        catalog.put(Topic(topic, topic), origin="test")
    subscription = validate_subscription({"name": "sub", "topics": topics, **fields})
    catalog.put(subscription, origin="test")
    return subscription


def alert(
    client: redis.Redis, topic: str, *, title: str = "Summit ends", at: float, **extra: Any
) -> Alert:
    created = datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
    made = Alert.from_dict(
        {
            "id": short_hash("alert", topic, title),
            "topic": topic,
            "created_at": created,
            "matched": ["summit"],
            "snippet": "Leaders met at the summit on Tuesday to talk trade.",
            "article": {
                "id": short_hash("article", title),
                "url": "https://news.example.com/a/" + short_hash(title),
                "canonical_url": "https://news.example.com/a/" + short_hash(title),
                "title": title,
                "source": "news.example.com",
                "published_at": created,
                "language": "en",
            },
            **extra,
        }
    )
    assert AlertStore(client).add(made)
    return made


class Stepper:
    """The delivery thread's work, one call at a time, on a controllable clock."""

    def __init__(self, client: redis.Redis, clock: Clock, **overrides: Any) -> None:
        self.clock = clock
        self.dispatcher = Dispatcher(client, consumer="test", clock=clock)
        self.sender = DeliverySender(client, settings(**overrides), clock=clock, jitter=lambda: 0.5)

    def run(self, rounds: int = 3) -> int:
        done = 0
        for _ in range(rounds):
            done += self.dispatcher.step(block_ms=None)
            done += self.dispatcher.digests()
            done += self.sender.step()
        return done

    def close(self) -> None:
        self.sender.close()
