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
    name: str
    topics: tuple[str, ...]
    channels: tuple[str, ...] = ()
    mode: str = "instant"

    @property
    def key(self) -> str:
        return self.name


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
