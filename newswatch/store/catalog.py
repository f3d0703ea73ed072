"""The catalogue in Redis: feeds, topics and subscriptions stored one item at a time, and a
version that changes on every write.

Layout (names from :mod:`newswatch.store.keys`): one hash per kind (``keys.FEEDS`` by feed id,
``keys.TOPICS`` and ``keys.SUBSCRIPTIONS`` by name), each field an entry
``{"item": {...}, "origin": ..., "created_at": ..., "updated_at": ...}``; and
``keys.CATALOG_VERSION``, a hash counting the writes in all (``all``) and per kind, so a worker
rebuilds its matcher only when topics changed and a scheduler reloads only when feeds did.
The topic version comes with a change log (``keys.TOPIC_CHANGES``: each topic name scored by
the version it last changed at, bounded to :data:`TOPIC_LOG_SIZE` names), so a worker that
is at version v reads the topics changed since v, not the whole hash (:meth:`topic_changes`).

Every write is one MULTI/EXEC under WATCH of what it read, so the checks that span items (a
subscription names topics that exist, a topic followed by a subscription is not removed, a
feed is not added twice under two spellings) hold against concurrent writers. The feed
schedule is kept in step in the same transaction: a new feed is due at once, a removed one
leaves the schedule and its poll state expires after :data:`GONE_FEED_TTL` (a feed added back
in time keeps its seen items, so it does not alert on them again).
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import redis

from newswatch.core.catalog import (
    ITEM_TYPES,
    KINDS,
    Catalog,
    Feed,
    Item,
    Kind,
    Subscription,
    Topic,
    kind_of,
)
from newswatch.core.errors import ConfigError, ConflictError, NotFoundError
from newswatch.core.plan import Plan, Stored, plan_apply
from newswatch.core.problems import InvalidInput, did_you_mean
from newswatch.core.times import iso_from_unix
from newswatch.core.validate import feed_identity, unknown_topics
from newswatch.store import keys
from newswatch.store.codec import as_text

GONE_FEED_TTL = 30 * 24 * 3600  # seconds the state of a removed feed is kept
ALL = "all"
# topic names the change log keeps (the most recently changed); a reader further behind, or
# a write changing more topics at once, reads the whole catalogue instead
TOPIC_LOG_SIZE = 10_000

# KEYS: version hash, change log, floor, last logged version; ARGV: log size, changed topic
# names. Bumps the topic version and logs the names at it. The floor rises to the version at
# or below which the log may miss changes: the oldest entries trimmed when the log exceeds
# its size (or all of them, for a write of more names than that), or topic versions written
# without the log (by a release before it: the version moved past the last one logged).
_BUMP_TOPICS = """
local function raise_floor(version)
    local floor = tonumber(redis.call('GET', KEYS[3]) or '0')
    if version > floor then
        redis.call('SET', KEYS[3], version)
    end
end
local before = tonumber(redis.call('HGET', KEYS[1], 'topic') or '0')
if before ~= tonumber(redis.call('GET', KEYS[4]) or '0') then
    raise_floor(before)
end
local version = redis.call('HINCRBY', KEYS[1], 'topic', 1)
redis.call('SET', KEYS[4], version)
local keep = tonumber(ARGV[1])
if #ARGV - 1 > keep then
    redis.call('DEL', KEYS[2])
    raise_floor(version)
    return version
end
for i = 2, #ARGV do
    redis.call('ZADD', KEYS[2], version, ARGV[i])
end
local excess = redis.call('ZCARD', KEYS[2]) - keep
if excess > 0 then
    local last = redis.call('ZRANGE', KEYS[2], excess - 1, excess - 1, 'WITHSCORES')
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
    raise_floor(tonumber(last[2]))
end
return version
"""

T = TypeVar("T", bound=Item)


@dataclasses.dataclass(frozen=True)
class Entry(Generic[T]):
    """A stored item with who wrote it last (``file:PATH``, ``api``, ``cli``) and when."""

    item: T
    origin: str
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item.to_dict(),
            "origin": self.origin,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def _decode(kind: Kind, field: Any, raw: Any) -> Entry[Any]:
    """A stored entry. The catalogue was validated when written: this only reads it back."""
    try:
        data = json.loads(raw)
        if "item" not in data:  # written before entries had an origin: a file's
            data = {"item": data, "origin": ""}
        item = ITEM_TYPES[kind].from_dict(data["item"])
        return Entry(
            item,
            str(data.get("origin", "")),
            data.get("created_at", ""),
            data.get("updated_at", ""),
        )
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ConfigError(
            [
                f"redis {keys.CATALOG[kind]}[{as_text(field)}]: stored {kind} is unreadable "
                f"({exc}); remove it or apply the configuration again"
            ]
        ) from None


@dataclasses.dataclass(frozen=True)
class TopicChanges:
    """What :meth:`CatalogStore.topic_changes` found: the generation and topic version now,
    and the names of the topics added, changed or removed since the version asked about
    (their entries are read apart, so one may already be newer: the next version's changes
    name it again). ``names`` is None when the log no longer reaches back that far: read
    every topic. Meaningful only when ``generation`` is the one the version asked about
    belonged to."""

    generation: str
    version: int
    names: list[str] | None


def _encode(entry: Entry[Any]) -> str:
    return json.dumps(entry.to_dict(), ensure_ascii=False, separators=(",", ":"))


class CatalogStore:
    """Reads and writes the catalogue. Cheap to build; holds only the client and a clock."""

    def __init__(self, client: redis.Redis, *, clock: Callable[[], float] = time.time):
        self.client = client
        self.clock = clock

    # -- versions -------------------------------------------------------------------------

    def version(self, kind: Kind | None = None) -> int:
        """Writes to the catalogue so far (0: never written); of one kind when given."""
        value: Any = self.client.hget(keys.CATALOG_VERSION, kind or ALL)
        return int(value) if value is not None else 0

    def generation(self) -> str | None:
        """The token set when a catalogue was first written into this Redis (None: never
        written, or Redis lost its data since)."""
        value: Any = self.client.get(keys.CATALOG_GENERATION)
        return as_text(value) if value is not None else None

    def stamp(self, kind: Kind | None = None) -> tuple[str, int]:
        """(generation, version) in one round trip: what a reader compares to know whether to
        read again. The version alone restarts from 0 in a Redis that lost its data, and may
        reach the number a reader last saw."""
        pipe = self.client.pipeline(transaction=False)
        stamp = self.stamp_on(pipe, kind)
        return stamp(iter(pipe.execute()))

    def stamp_on(
        self, pipe: Any, kind: Kind | None = None
    ) -> Callable[[Iterator[Any]], tuple[str, int]]:
        """Queue :meth:`stamp`'s read on ``pipe`` (a pipeline the caller executes); returns
        the function that takes the pipeline's replies (an iterator, from this read's on) to
        the stamp."""
        pipe.get(keys.CATALOG_GENERATION)
        pipe.hget(keys.CATALOG_VERSION, kind or ALL)

        def stamp(replies: Iterator[Any]) -> tuple[str, int]:
            generation, version = next(replies), next(replies)
            return (as_text(generation) if generation is not None else "", int(version or 0))

        return stamp

    def topic_changes(self, since: int) -> TopicChanges:
        """The topics changed after topic version ``since``, with the generation and version
        they bring the reader to, read at one instant (see :class:`TopicChanges`)."""
        pipe = self.client.pipeline(transaction=True)
        pipe.get(keys.CATALOG_GENERATION)
        pipe.hget(keys.CATALOG_VERSION, "topic")
        pipe.get(keys.TOPIC_CHANGES_FLOOR)
        pipe.get(keys.TOPIC_CHANGES_LOGGED)
        pipe.zrangebyscore(keys.TOPIC_CHANGES, f"({since}", "+inf")
        generation, version, floor, logged, names = pipe.execute()
        # complete when nothing after ``since`` may be missing, and the last topic version
        # was logged (a release without the log may have written it)
        complete = since >= int(floor or 0) and int(logged or 0) == int(version or 0)
        return TopicChanges(
            as_text(generation) if generation is not None else "",
            int(version or 0),
            [as_text(name) for name in names] if complete else None,
        )

    def mark_generation(self) -> bool:
        """Set the generation if this Redis has none; True if it was set now."""
        return bool(self.client.set(keys.CATALOG_GENERATION, new_generation(), nx=True))

    # -- reading --------------------------------------------------------------------------

    def entries(self, kind: Kind) -> list[Entry[Any]]:
        stored: dict[Any, Any] = self.client.hgetall(keys.CATALOG[kind])
        return [_decode(kind, field, raw) for field, raw in stored.items()]

    def feeds(self) -> list[Feed]:
        """Every feed, ordered by URL."""
        return sorted((e.item for e in self.entries("feed")), key=lambda feed: feed.url)

    def topics(self) -> list[Topic]:
        """Every topic, ordered by name."""
        return sorted((e.item for e in self.entries("topic")), key=lambda topic: topic.name)

    def subscriptions(self) -> list[Subscription]:
        """Every subscription, ordered by name."""
        return sorted((e.item for e in self.entries("subscription")), key=lambda s: s.name)

    def catalog(self) -> Catalog:
        return Catalog(tuple(self.feeds()), tuple(self.topics()), tuple(self.subscriptions()))

    def entries_of(self, kind: Kind, names: list[str]) -> dict[str, Entry[Any] | None]:
        """The stored entries of ``names`` (None for a name not stored), in one HMGET."""
        if not names:
            return {}
        raws: list[Any] = self.client.hmget(keys.CATALOG[kind], names)
        return {
            name: _decode(kind, name, raw) if raw is not None else None
            for name, raw in zip(names, raws, strict=True)
        }

    def get(self, kind: Kind, key: str) -> Entry[Any] | None:
        raw: Any = self.client.hget(keys.CATALOG[kind], key)
        return _decode(kind, key, raw) if raw is not None else None

    def find(self, kind: Kind, ref: str) -> Entry[Any]:
        """The item ``ref`` names: its key (feed id, topic or subscription name); a feed also
        by its URL or its name. Raises NotFoundError (with the closest names) or, for a feed
        name shared by several feeds, ConflictError."""
        entry = self.get(kind, ref)
        if entry is not None:
            return entry
        entries = self.entries(kind)
        if kind == "feed":
            for field in ("url", "name"):
                found = [e for e in entries if getattr(e.item, field) == ref]
                if len(found) == 1:
                    return found[0]
                if len(found) > 1:
                    ids = ", ".join(e.item.id for e in found)
                    raise ConflictError(f"several feeds are named {ref!r} ({ids}): use the id")
        names = [e.item.name if kind != "feed" else e.item.display_name for e in entries]
        raise NotFoundError(_not_found(kind, ref, names))

    # -- writing one item -----------------------------------------------------------------

    def add(self, item: Item, *, origin: str) -> Entry[Any]:
        """Store a new item. ConflictError when it exists (or, for a feed, when the same feed
        is there under another spelling of its URL); InvalidInput when a subscription names
        topics that do not exist."""
        return self._write(item, origin=origin, create=True)

    def replace(self, item: Item, *, origin: str) -> Entry[Any]:
        """Change an existing item (NotFoundError when there is none); same checks as add."""
        return self._write(item, origin=origin, create=False)

    def put(self, item: Item, *, origin: str) -> Entry[Any]:
        """Add or change."""
        return self._write(item, origin=origin, create=None)

    def add_feeds(self, feeds: Iterable[Feed], *, origin: str) -> list[str | None]:
        """Store many new feeds in one transaction and one new version (an OPML import):
        for each, None when added, else why not (it is there already, under this or another
        spelling of its URL, or earlier in ``feeds``). The catalogue is read once, where
        :meth:`add` reads it for every feed."""
        wanted = list(feeds)
        outcomes: list[str | None] = []

        def transaction(pipe: Any) -> None:
            outcomes.clear()
            held = {feed_identity(e.item.url): e.item.url for e in self._entries_in(pipe, "feed")}
            now = iso_from_unix(self.clock())
            added: list[Feed] = []
            for feed in wanted:
                identity = feed_identity(feed.url)
                if identity in held:
                    same = "" if held[identity] == feed.url else f" as {held[identity]!r}"
                    outcomes.append(f"feed {feed.url!r} is already in the catalogue{same}")
                    continue
                held[identity] = feed.url
                added.append(feed)
                outcomes.append(None)
            pipe.multi()
            for feed in added:
                pipe.hset(keys.CATALOG["feed"], feed.key, _encode(Entry(feed, origin, now, now)))
            if added:
                _schedule(pipe, [feed.key for feed in added])
                _bump(pipe, {"feed"})

        self.client.transaction(transaction, *self._watched("feed"))
        return outcomes

    def remove(self, kind: Kind, key: str) -> Entry[Any]:
        """Remove an item; returns what was stored. ConflictError for a topic that a
        subscription still follows."""
        removed: list[Entry[Any]] = []

        def transaction(pipe: Any) -> None:
            removed.clear()
            raw = pipe.hget(keys.CATALOG[kind], key)
            if raw is None:
                raise NotFoundError(f"no {kind} {key!r}")
            if kind == "topic":
                followers = [
                    e.item.name
                    for e in self._entries_in(pipe, "subscription")
                    if key in e.item.topics
                ]
                if followers:
                    raise ConflictError(
                        f"topic {key!r} is followed by subscription(s) {', '.join(followers)}: "
                        "remove it from them first"
                    )
            removed.append(_decode(kind, key, raw))
            pipe.multi()
            pipe.hdel(keys.CATALOG[kind], key)
            if kind == "feed":
                _unschedule(pipe, [key])
            _bump(pipe, {kind}, [key] if kind == "topic" else ())

        self.client.transaction(transaction, *self._watched(kind))
        return removed[0]

    def _write(self, item: Item, *, origin: str, create: bool | None) -> Entry[Any]:
        kind = kind_of(item)
        written: list[Entry[Any]] = []

        def transaction(pipe: Any) -> None:
            written.clear()
            raw = pipe.hget(keys.CATALOG[kind], item.key)
            before = _decode(kind, item.key, raw) if raw is not None else None
            if create is True and before is not None:
                raise ConflictError(f"{kind} {_label(item)!r} already exists")
            if create is False and before is None:
                raise NotFoundError(f"no {kind} {_label(item)!r}")
            self._check_fits(pipe, item)
            now = iso_from_unix(self.clock())
            entry = Entry(item, origin, before.created_at if before else now, now)
            written.append(entry)
            if before is not None and before.item == item and before.origin == origin:
                pipe.multi()  # nothing to write: no new version
                return
            pipe.multi()
            pipe.hset(keys.CATALOG[kind], item.key, _encode(entry))
            if kind == "feed" and before is None:
                _schedule(pipe, [item.key])
            _bump(pipe, {kind}, [item.key] if kind == "topic" else ())

        self.client.transaction(transaction, *self._watched(kind))
        return written[0]

    def _check_fits(self, pipe: Any, item: Item) -> None:
        if isinstance(item, Subscription):
            known = [e.item.name for e in self._entries_in(pipe, "topic")]
            problems = unknown_topics(item, known)
            if problems:
                raise InvalidInput(problems)
        elif isinstance(item, Feed):
            identity = feed_identity(item.url)
            for entry in self._entries_in(pipe, "feed"):
                other = entry.item
                if other.id != item.id and feed_identity(other.url) == identity:
                    raise ConflictError(
                        f"{item.url!r} is the same feed as {other.url!r} (id {other.id}), "
                        "which is already in the catalogue"
                    )

    @staticmethod
    def _entries_in(pipe: Any, kind: Kind) -> list[Entry[Any]]:
        stored: dict[Any, Any] = pipe.hgetall(keys.CATALOG[kind])
        return [_decode(kind, field, raw) for field, raw in stored.items()]

    @staticmethod
    def _watched(kind: Kind) -> list[str]:
        # what a write of this kind reads to check itself against the rest of the catalogue
        related = {"feed": ["feed"], "topic": ["topic", "subscription"]}
        return [keys.CATALOG[k] for k in related.get(kind, ["subscription", "topic"])]

    # -- applying a whole catalogue -------------------------------------------------------

    def apply(
        self, catalog: Catalog, *, owner: str, prune: bool = False, dry_run: bool = False
    ) -> Plan:
        """Make the stored catalogue hold ``catalog`` for ``owner`` (see
        :mod:`newswatch.core.plan`), in one transaction, with one new version when anything
        changed and none when nothing did. With ``dry_run`` nothing is written. When the
        result would be inconsistent, nothing is written and the plan carries the problems."""
        plans: list[Plan] = []

        def transaction(pipe: Any) -> None:
            plans.clear()
            entries = {
                kind: {e.item.key: e for e in self._entries_in(pipe, kind)} for kind in KINDS
            }
            stored = {
                kind: {key: Stored(e.item, e.origin) for key, e in of_kind.items()}
                for kind, of_kind in entries.items()
            }
            plan = plan_apply(stored, catalog, owner=owner, prune=prune)
            plans.append(plan)
            pipe.multi()
            if dry_run or plan.problems or not plan:
                return
            now = iso_from_unix(self.clock())
            for change in plan.changes:
                if change.after is None:
                    pipe.hdel(keys.CATALOG[change.kind], change.key)
                    continue
                before = entries[change.kind].get(change.key)
                entry = Entry(change.after, owner, before.created_at if before else now, now)
                pipe.hset(keys.CATALOG[change.kind], change.key, _encode(entry))
            feeds = [c for c in plan.changes if c.kind == "feed"]
            _schedule(pipe, [c.key for c in feeds if c.action == "add"])
            _unschedule(pipe, [c.key for c in feeds if c.action == "remove"])
            _bump(pipe, plan.kinds(), [c.key for c in plan.changes if c.kind == "topic"])

        self.client.transaction(transaction, *keys.CATALOG.values())
        if not dry_run and not plans[0].problems:
            self.mark_generation()  # applied (even with no change): this Redis holds it now
        return plans[0]


def _schedule(pipe: Any, feed_ids: Iterable[str]) -> None:
    """New feeds are due at once (a feed already scheduled keeps its time), and whatever
    state a removed feed left behind is kept again."""
    ids = list(feed_ids)
    for feed_id in ids:
        pipe.persist(keys.feed_state(feed_id))
        pipe.persist(keys.feed_seen(feed_id))
        pipe.persist(keys.feed_items(feed_id))
    if ids:
        pipe.zadd(keys.SCHEDULE, dict.fromkeys(ids, 0), nx=True)


def _unschedule(pipe: Any, feed_ids: Iterable[str]) -> None:
    ids = list(feed_ids)
    for feed_id in ids:
        pipe.expire(keys.feed_state(feed_id), GONE_FEED_TTL)
        pipe.expire(keys.feed_seen(feed_id), GONE_FEED_TTL)
        pipe.expire(keys.feed_items(feed_id), GONE_FEED_TTL)
    if ids:
        pipe.zrem(keys.SCHEDULE, *ids)


def new_generation() -> str:
    return secrets.token_hex(8)


def _bump(pipe: Any, kinds: Iterable[Kind], topics: Iterable[str] = ()) -> None:
    """New versions for ``kinds``; ``topics``: the names of the topics written (logged with
    the topic version)."""
    pipe.set(keys.CATALOG_GENERATION, new_generation(), nx=True)
    for kind in sorted(set(kinds)):
        if kind == "topic":
            log = (
                keys.CATALOG_VERSION,
                keys.TOPIC_CHANGES,
                keys.TOPIC_CHANGES_FLOOR,
                keys.TOPIC_CHANGES_LOGGED,
            )
            pipe.eval(_BUMP_TOPICS, len(log), *log, TOPIC_LOG_SIZE, *sorted(set(topics)))
        else:
            pipe.hincrby(keys.CATALOG_VERSION, kind, 1)
    pipe.hincrby(keys.CATALOG_VERSION, ALL, 1)


def _label(item: Item) -> str:
    return item.url if isinstance(item, Feed) else item.key


def _not_found(kind: Kind, ref: str, names: list[str]) -> str:
    message = f"no {kind} {ref!r}{did_you_mean(ref, names)}"
    return message if names else f"{message}; there are no {kind}s yet"


def origin_label(origin: str) -> str:
    """``file:/srv/newswatch.yaml`` -> ``/srv/newswatch.yaml``; ``api`` stays ``api``."""
    return origin.removeprefix("file:") or "an earlier configuration"


def file_origin(path: str) -> str:
    return f"file:{path}"
