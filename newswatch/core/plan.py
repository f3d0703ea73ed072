"""What applying a catalogue file changes: the plan, computed from what is stored and what the
file lists, before anything is written (``newswatch apply --dry-run`` prints it).

Ownership: every stored item remembers who last wrote it (its origin: ``file:PATH``, ``api``
or ``cli``). A file owns the items it lists: applying it adds them, or changes them back to
what it says, and takes them over. An item the file does not list is removed only when the
file wrote it (it was taken out of the file), or with ``prune``: items created through the API
or the CLI survive an apply.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Literal

from newswatch.core.catalog import KINDS, Catalog, Item, Kind, kind_of
from newswatch.core.problems import Problem
from newswatch.core.validate import feed_identity, unknown_topics

Action = Literal["add", "change", "adopt", "remove"]


@dataclasses.dataclass(frozen=True)
class Stored:
    """An item as the catalogue holds it, with who wrote it last."""

    item: Item
    origin: str


@dataclasses.dataclass(frozen=True)
class Change:
    action: Action  # adopt: same content, now owned by the file
    kind: Kind
    key: str
    before: Item | None
    after: Item | None
    origin: str = ""  # who wrote ``before`` (for removals and adoptions)

    @property
    def item(self) -> Item:
        item = self.after if self.after is not None else self.before
        assert item is not None
        return item


@dataclasses.dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    kept: tuple[Stored, ...]  # stored, not in the file, not the file's: left alone
    problems: tuple[Problem, ...]  # why the result would be inconsistent (nothing is written)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def kinds(self) -> set[Kind]:
        return {change.kind for change in self.changes}


def plan_apply(
    stored: Mapping[Kind, Mapping[str, Stored]],
    desired: Catalog,
    *,
    owner: str,
    prune: bool = False,
) -> Plan:
    """The changes that make the catalogue hold ``desired`` for ``owner`` (an origin string)."""
    changes: list[Change] = []
    kept: list[Stored] = []
    for kind in KINDS:
        current = stored.get(kind, {})
        wanted = {item.key: item for item in desired.of_kind(kind)}
        for key, item in wanted.items():
            before = current.get(key)
            if before is None:
                changes.append(Change("add", kind, key, None, item))
            elif before.item != item:
                changes.append(Change("change", kind, key, before.item, item, before.origin))
            elif before.origin != owner:
                changes.append(Change("adopt", kind, key, before.item, item, before.origin))
        for key, entry in current.items():
            if key in wanted:
                continue
            if entry.origin == owner or prune:
                changes.append(Change("remove", kind, key, entry.item, None, entry.origin))
            else:
                kept.append(entry)
    result = _result(stored, changes)
    return Plan(tuple(changes), tuple(kept), tuple(consistency_problems(result)))


def _result(stored: Mapping[Kind, Mapping[str, Stored]], changes: Iterable[Change]) -> Catalog:
    items: dict[Kind, dict[str, Item]] = {
        kind: {key: entry.item for key, entry in stored.get(kind, {}).items()} for kind in KINDS
    }
    for change in changes:
        if change.after is None:
            items[change.kind].pop(change.key, None)
        else:
            items[change.kind][change.key] = change.after
    return Catalog(
        feeds=tuple(items["feed"].values()),  # type: ignore[arg-type]
        topics=tuple(items["topic"].values()),  # type: ignore[arg-type]
        subscriptions=tuple(items["subscription"].values()),  # type: ignore[arg-type]
    )


def consistency_problems(catalog: Catalog) -> list[Problem]:
    """What would make ``catalog`` inconsistent as a whole: a subscription following a topic
    that is not there, two feeds that are one feed written two ways."""
    problems: list[Problem] = []
    names = [topic.name for topic in catalog.topics]
    for subscription in catalog.subscriptions:
        problems += [
            Problem(("subscriptions", subscription.name, *p.loc), p.message)
            for p in unknown_topics(subscription, names)
        ]
    seen: dict[str, str] = {}
    for feed in catalog.feeds:
        first = seen.setdefault(feed_identity(feed.url), feed.url)
        if first != feed.url:
            problems.append(
                Problem(
                    ("feeds", feed.url),
                    f"{feed.url!r} is the same feed as {first!r}, which is already in the "
                    "catalogue; list it once",
                )
            )
    return problems


def describe_change(change: Change, owner_label: str = "") -> str:
    """One line of ``newswatch apply``: ``+ topic summits``, ``~ topic x (query a -> b)``."""
    sign = {"add": "+", "change": "~", "adopt": "=", "remove": "-"}[change.action]
    line = f"{sign} {change.kind} {_label(change.item)}"
    if change.action == "change" and change.before is not None and change.after is not None:
        line += f" ({', '.join(_differences(change.before, change.after))})"
    elif change.action == "adopt":
        line += f" (unchanged; now owned by {owner_label or 'this file'}, was {change.origin})"
    elif change.action == "remove" and change.origin:
        line += f" (written by {change.origin})"
    return line


def _label(item: Item) -> str:
    if kind_of(item) == "feed":
        name = getattr(item, "name", "")
        url = getattr(item, "url", "")
        return f"{name} <{url}>" if name else url
    return item.key


def _differences(before: Item, after: Item) -> list[str]:
    old, new = before.to_dict(), after.to_dict()
    out = []
    for field, value in new.items():
        if old.get(field) != value:
            out.append(f"{field} {_short(old.get(field))} -> {_short(value)}")
    return out


def _short(value: object) -> str:
    if value is None:
        return "unset"  # e.g. a feed interval left to adapt
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = text if text else "''"
    return text if len(text) <= 60 else text[:57] + "..."
