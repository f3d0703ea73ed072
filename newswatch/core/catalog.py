"""The catalogue: what newswatch watches (feeds), looks for (topics) and tells whom
(subscriptions), as plain frozen values.

These are the domain types every tier passes around. They are built by the one validation of
each type (:mod:`newswatch.core.validate`), whatever the input: a YAML file, an API request or
a command line. ``from_dict`` trusts its input: it reads values the validation wrote (the
catalogue store), so running processes never validate the catalogue again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Self

from newswatch.core.channels import redact_channel
from newswatch.core.models import short_hash

DEFAULT_INTERVAL = None  # a feed's interval when none is given: adaptive (core.feed_state)
Kind = Literal["feed", "topic", "subscription"]
KINDS: tuple[Kind, ...] = ("feed", "topic", "subscription")


class _Item:
    """to_dict/from_dict for the catalogue types; unknown keys are ignored on the way in (a
    newer release may have added fields)."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dataclasses.asdict(self)  # type: ignore[call-overload]
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        # JSON has no tuples: every list field of these types is a tuple
        values = {
            name: tuple(value) if isinstance(value, list) else value
            for name, value in data.items()
            if name in names
        }
        return cls(**values)

    @property
    def key(self) -> str:
        """The identity of the item in the catalogue (feed id, topic or subscription name)."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class Feed(_Item):
    url: str
    name: str = ""
    interval: int | None = DEFAULT_INTERVAL  # fixed seconds between polls; None: adaptive
    fetch_pages: bool = True  # fetch each article page (else use the feed's own text)

    @property
    def id(self) -> str:
        """Stable per URL as written: the key of the feed's poll state and seen items."""
        return short_hash("feed", self.url, length=16)

    @property
    def key(self) -> str:
        return self.id

    @property
    def display_name(self) -> str:
        return self.name or self.url


@dataclasses.dataclass(frozen=True)
class Topic(_Item):
    name: str
    query: str
    languages: tuple[str, ...] = ()  # two-letter codes; empty: every language
    pack: str = ""  # the pack entry the query came from ("" for a query written out)

    @property
    def key(self) -> str:
        return self.name


@dataclasses.dataclass(frozen=True)
class Subscription(_Item):
    """Who is told about which topics, where and when (see :mod:`newswatch.core.delivery`).

    ``channels`` are apprise URLs, or http(s) URLs of signed JSON webhooks (signed with every
    secret of ``webhook_secrets``: two during a rotation). ``mode`` "instant" sends each
    alert at once, "digest" sends one message per ``digest`` period (an interval such as
    "1d", or a cron expression). ``quiet_hours`` ("22:00-07:00" in ``timezone``) hold instant
    alerts, except those of ``urgent_topics``, for a digest when they end. ``max_per_hour``
    caps the messages per channel (the rest wait for a digest). A story is sent once it has
    ``min_sources`` sources, and told again when it crosses ``notify_at_sources``."""

    name: str
    topics: tuple[str, ...]
    channels: tuple[str, ...] = ()
    mode: str = "instant"
    digest: str = ""  # interval ("1d", "6h") or cron expression ("0 8 * * 1-5")
    timezone: str = "UTC"  # IANA name: the clock of quiet_hours and cron digests
    quiet_hours: str = ""  # "HH:MM-HH:MM" local time; "" = none
    urgent_topics: tuple[str, ...] = ()  # sent during quiet hours too
    max_per_hour: int = 0  # messages per channel per hour; 0 = no cap
    min_sources: int = 1  # a story is sent once it has this many sources
    notify_at_sources: int = 0  # tell again when a sent story reaches this many; 0 = never
    webhook_secrets: tuple[str, ...] = ()  # whsec_... keys signing webhook deliveries

    @property
    def key(self) -> str:
        return self.name

    def public_dict(self) -> dict[str, Any]:
        """The fields as the API and the CLI show them: channel URLs redacted, webhook
        secrets reduced to their count (both carry credentials)."""
        data = self.to_dict()
        data["channels"] = [redact_channel(url) for url in self.channels]
        data["webhook_secrets"] = len(self.webhook_secrets)
        return data


Item = Feed | Topic | Subscription
ITEM_TYPES: dict[Kind, type[Feed] | type[Topic] | type[Subscription]] = {
    "feed": Feed,
    "topic": Topic,
    "subscription": Subscription,
}


def kind_of(item: Item) -> Kind:
    if isinstance(item, Feed):
        return "feed"
    if isinstance(item, Topic):
        return "topic"
    return "subscription"


@dataclasses.dataclass(frozen=True)
class Catalog:
    """A whole catalogue (what a file lists, or what is stored), in a stable order."""

    feeds: tuple[Feed, ...] = ()
    topics: tuple[Topic, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()

    def items(self) -> Iterable[Item]:
        yield from self.feeds
        yield from self.topics
        yield from self.subscriptions

    def of_kind(self, kind: Kind) -> tuple[Item, ...]:
        if kind == "feed":
            return self.feeds
        if kind == "topic":
            return self.topics
        return self.subscriptions

    def __len__(self) -> int:
        return len(self.feeds) + len(self.topics) + len(self.subscriptions)
