"""The scheduler's Redis, asynchronously: claim due feeds with their state in one round trip,
keep leases alive, and write each poll's result in one script call (one round trip).

Leases: ``keys.SCHEDULE`` maps feed id -> the time it is due. :meth:`PollStore.claim` takes due
feeds and, in one Lua script, moves their score to the lease's end, records which scheduler
holds them (``keys.LEASE_OWNERS``) and returns their poll state. Two schedulers never get the
same feed; the feeds of one that died come back due when its lease ends, or at once when it
restarts under the same name (:meth:`PollStore.take_back`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from typing import Any

import redis.asyncio as aioredis

from newswatch.core.feed_state import FeedState
from newswatch.store import keys
from newswatch.store.codec import lenient_text
from newswatch.store.failures import FAILURES_MAXLEN
from newswatch.store.feed_state import decode_state, encode_state

SEEN_LIMIT = 5000  # item keys remembered per feed (newest first-seen kept)
ATTEMPTS_TTL = 7 * 24 * 3600  # retry counts of items that vanished from their feed expire

# KEYS: schedule, owners. ARGV: now, lease end, limit, owner, state key prefix.
# Returns id, due score, state fields (flat), for each feed claimed.
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES',
                       'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for i = 1, #due, 2 do
  local id = due[i]
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
  redis.call('HSET', KEYS[2], id, ARGV[4])
  out[#out + 1] = id
  out[#out + 1] = due[i + 1]
  out[#out + 1] = redis.call('HGETALL', ARGV[5] .. id)
end
return out
"""

# KEYS: schedule, owners. ARGV: owner, now. Feeds leased by ``owner`` become due now.
_TAKE_BACK = """
local owners = redis.call('HGETALL', KEYS[2])
local n = 0
for i = 1, #owners, 2 do
  if owners[i + 1] == ARGV[1] then
    n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', ARGV[2], owners[i])
    redis.call('HDEL', KEYS[2], owners[i])
  end
end
return n
"""

# KEYS: schedule, owners. ARGV: feed id, next poll time, owner. Ends our lease (only ours: a
# feed whose lease ran out and was claimed by another scheduler stays with that one) and sets
# the next poll time (only for a feed still scheduled: it may have left the configuration).
_RELEASE = """
local owner = redis.call('HGET', KEYS[2], ARGV[1])
if owner and owner ~= ARGV[3] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('ZADD', KEYS[1], 'XX', 'CH', ARGV[2], ARGV[1])
"""

# The one write per poll, one script call (one round trip; a MULTI/EXEC holding a script
# costs redis-py a SCRIPT EXISTS round trip before it). KEYS: schedule, owners, state, seen,
# seen-alt, attempts, failures, item hashes. ARGV: feed id, next poll time, owner, now, seen
# limit, failures maxlen, then JSON arrays (four arguments instead of one per field: redis-py
# packs every argument in Python): the state's fields and values, the seen item keys, their
# URL/title hashes, the failures (each its fields and values); then the item hashes of the
# body parsed ("-": none parsed, leave them). Then the release above.
_WRITE = (
    """
local function zadd_nx(key, now, members)
  for from = 1, #members, 500 do
    local args = {'NX'}
    for j = from, math.min(from + 499, #members) do
      args[#args + 1] = now
      args[#args + 1] = members[j]
    end
    redis.call('ZADD', key, unpack(args))
  end
end
local now, limit = ARGV[4], tonumber(ARGV[5])
local state = cjson.decode(ARGV[7])
redis.call('DEL', KEYS[3])
if #state > 0 then redis.call('HSET', KEYS[3], unpack(state)) end
local seen = cjson.decode(ARGV[8])
if #seen > 0 then
  zadd_nx(KEYS[4], now, seen)
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -limit - 1)
  for from = 1, #seen, 500 do
    redis.call('HDEL', KEYS[6], unpack(seen, from, math.min(from + 499, #seen)))
  end
end
local alt = cjson.decode(ARGV[9])
if #alt > 0 then
  zadd_nx(KEYS[5], now, alt)
  redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -2 * limit - 1)
end
for _, failure in ipairs(cjson.decode(ARGV[10])) do
  redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[6], '*', unpack(failure))
end
if ARGV[11] == '' then
  redis.call('DEL', KEYS[8])
elseif ARGV[11] ~= '-' then
  redis.call('SET', KEYS[8], ARGV[11])
end
"""
    + _RELEASE
)


def _json(values: list[Any]) -> str:
    # not ASCII-escaped: Lua's cjson reads UTF-8 as it is, and the text stays short
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


@dataclasses.dataclass(frozen=True)
class Claim:
    feed_id: str
    due_at: float
    state: FeedState


@dataclasses.dataclass
class PollWrite:
    """Everything one poll changes, written atomically by :meth:`PollStore.write`."""

    feed_id: str
    state: FeedState
    seen: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # key -> alt keys
    failures: list[dict[str, str]] = dataclasses.field(default_factory=list)
    item_hashes: tuple[str, ...] | None = None  # of the body parsed (None: none was)


class PollStore:
    """The scheduler's view of Redis. ``owner`` names this scheduler in lease records."""

    def __init__(self, client: aioredis.Redis, owner: str, *, seen_limit: int = SEEN_LIMIT):
        self.client = client
        self.owner = owner
        self.seen_limit = seen_limit
        self._claim = client.register_script(_CLAIM)
        self._take_back = client.register_script(_TAKE_BACK)
        self._release = client.register_script(_RELEASE)
        self._write = client.register_script(_WRITE)

    # -- leases ---------------------------------------------------------------------------

    async def claim(self, now: float, lease: float, limit: int) -> list[Claim]:
        """Take up to ``limit`` feeds due at ``now``, most overdue first, with their state."""
        if limit <= 0:
            return []
        reply = await self._claim(
            keys=[keys.SCHEDULE, keys.LEASE_OWNERS],
            args=[repr(now), repr(now + lease), limit, self.owner, keys.FEED_STATE_PREFIX],
        )
        claims = []
        for index in range(0, len(reply), 3):
            fields = reply[index + 2]
            raw = dict(zip(fields[::2], fields[1::2], strict=True))
            claims.append(
                Claim(lenient_text(reply[index]), float(reply[index + 1]), decode_state(raw))
            )
        return claims

    async def take_back(self, now: float) -> int:
        """Make the feeds this owner leased (before a restart) due now; returns how many."""
        return int(await self._take_back(keys=[keys.SCHEDULE, keys.LEASE_OWNERS],
                                         args=[self.owner, repr(now)]))  # fmt: skip

    async def renew(self, feed_ids: Iterable[str], until: float) -> None:
        """Push the lease of feeds still being polled (only later, never earlier; only feeds
        still scheduled)."""
        mapping = {feed_id: until for feed_id in feed_ids}
        if mapping:
            await self.client.zadd(keys.SCHEDULE, mapping, xx=True, gt=True)

    async def release(self, feed_id: str, at: float) -> None:
        """End our lease; the feed is due at ``at``."""
        await self._release(keys=[keys.SCHEDULE, keys.LEASE_OWNERS],
                            args=[feed_id, repr(at), self.owner])  # fmt: skip

    async def ensure_scheduled(self, due: dict[str, float]) -> int:
        """Add feeds missing from the schedule (feed id -> due time); returns how many."""
        if not due:
            return 0
        return int(await self.client.zadd(keys.SCHEDULE, due, nx=True))  # type: ignore[arg-type]

    async def unschedule(self, feed_id: str) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.zrem(keys.SCHEDULE, feed_id)
        pipe.hdel(keys.LEASE_OWNERS, feed_id)
        await pipe.execute()

    # -- the one write per poll -------------------------------------------------------------

    async def write(self, poll: PollWrite, now: float) -> None:
        """The poll's state, its items taken (first-seen time kept, the newest
        ``seen_limit`` kept, with their URL/title hashes for the churn guard; their retry
        counts forgotten), its failures, and the end of its lease (the feed due at
        ``state.next_poll_at``), atomically in one script call."""
        fid = poll.feed_id
        alt = dict.fromkeys(a for alts in poll.seen.values() for a in alts)
        args: list[str | int] = [
            fid, repr(poll.state.next_poll_at), self.owner, repr(now), self.seen_limit,
            FAILURES_MAXLEN,
            _json([v for pair in encode_state(poll.state).items() for v in pair]),
            _json(list(poll.seen)),
            _json(list(alt)),
            _json([[v for pair in f.items() for v in pair] for f in poll.failures]),
            "-" if poll.item_hashes is None else ",".join(poll.item_hashes),
        ]  # fmt: skip
        await self._write(
            keys=[keys.SCHEDULE, keys.LEASE_OWNERS, keys.feed_state(fid), keys.feed_seen(fid),
                  keys.feed_seen_alt(fid), keys.feed_attempts(fid), keys.FAILURES,
                  keys.feed_items(fid)],
            args=args,
        )  # fmt: skip

    # -- items ----------------------------------------------------------------------------

    async def unseen(self, feed_id: str, item_keys: Sequence[str]) -> list[str]:
        """The item keys not taken from this feed before, in the given order."""
        if not item_keys:
            return []
        scores = await self.client.zmscore(keys.feed_seen(feed_id), list(item_keys))
        return [k for k, score in zip(item_keys, scores, strict=True) if score is None]

    async def item_hashes(self, feed_id: str) -> frozenset[str]:
        """The item hashes of the feed's last parsed body (``PollWrite.item_hashes``)."""
        value = await self.client.get(keys.feed_items(feed_id))
        return frozenset(lenient_text(value).split(",")) if value else frozenset()

    async def known_alt(self, feed_id: str, alt_keys: Sequence[str]) -> set[str]:
        """Which URL/title hashes (``scheduler.churn.alt_keys``) items taken before had."""
        if not alt_keys:
            return set()
        scores = await self.client.zmscore(keys.feed_seen_alt(feed_id), list(alt_keys))
        return {k for k, score in zip(alt_keys, scores, strict=True) if score is not None}

    async def record_attempt(self, feed_id: str, item_key: str) -> int:
        """Count one failed (retryable) attempt at an item's page; returns the count so far."""
        key = keys.feed_attempts(feed_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.hincrby(key, item_key, 1)
        pipe.expire(key, ATTEMPTS_TTL)
        count, _ = await pipe.execute()
        return int(count)

    # -- this scheduler's identity ----------------------------------------------------------

    async def register(self, holder: str) -> str | None:
        """Record that ``holder`` ("host pid") now runs under our name; returns the holder
        recorded before (None the first time)."""
        pipe = self.client.pipeline(transaction=True)
        pipe.hget(keys.SCHEDULERS, self.owner)
        pipe.hset(keys.SCHEDULERS, self.owner, holder)
        previous, _ = await pipe.execute()
        return lenient_text(previous) if previous is not None else None

    async def holder(self) -> str | None:
        value = await self.client.hget(keys.SCHEDULERS, self.owner)
        return lenient_text(value) if value is not None else None

    async def unregister(self, holder: str) -> None:
        """Forget our name on a clean stop (only if it is still ours)."""
        if await self.holder() == holder:
            await self.client.hdel(keys.SCHEDULERS, self.owner)
