"""Per-host politeness shared by every scheduler instance, kept in Redis: at most ``per_host``
requests in flight to a host and at least ``gap`` seconds between request starts, for feed and
page requests alike; a host can be paused (its Retry-After, where configured).

Each request takes a slot (a token in ``keys.host_slots(host)`` with an expiry, so a crashed
instance's slots come back by themselves) and moves the host's next allowed start
(``keys.host_next_start(host)``). Times are Redis's own clock (``TIME``), so instances whose
clocks disagree still agree on the gap.

Round trips are coalesced: every slot asked for while one script call is in flight goes out
together in the next, so under load a request costs a fraction of a round trip. A slot given
back costs none of its own: it rides along with the next call for slots, or goes out alone
after :data:`GIVE_LINGER` if none comes (so other instances see it free at most that late).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
from collections.abc import AsyncIterator

import redis.asyncio as aioredis

from newswatch.logs import get_logger
from newswatch.store import keys

log = get_logger(__name__)

BUSY_RETRY = 0.05  # seconds before asking again for a host whose slots are all taken
MAX_BUSY_RETRY = 0.5
GIVE_LINGER = 0.05  # seconds a slot given back waits for a call for slots to ride along with

# ARGV: slot prefix, next prefix, number of releases, then (host, token) per release, then
# (host, token, limit, gap ms, slot ttl ms) per acquire. Returns one number per acquire:
# 0 = granted, > 0 = milliseconds until the host's next start, -1 = every slot taken.
_GATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slots, nexts = ARGV[1], ARGV[2]
local releases = tonumber(ARGV[3])
local i = 4
for _ = 1, releases do
  redis.call('ZREM', slots .. ARGV[i] .. ':slots', ARGV[i + 1])
  i = i + 2
end
local out = {}
while i <= #ARGV do
  local host, token = ARGV[i], ARGV[i + 1]
  local limit, gap, ttl = tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
  i = i + 5
  local skey, nkey = slots .. host .. ':slots', nexts .. host .. ':next'
  local next_start = tonumber(redis.call('GET', nkey) or '0')
  if next_start > now then
    out[#out + 1] = next_start - now
  else
    redis.call('ZREMRANGEBYSCORE', skey, '-inf', now)
    if redis.call('ZCARD', skey) >= limit then
      out[#out + 1] = -1
    else
      redis.call('ZADD', skey, now + ttl, token)
      redis.call('PEXPIRE', skey, ttl)
      if gap > 0 then
        redis.call('SET', nkey, now + gap, 'PX', gap + 1000)
      end
      out[#out + 1] = 0
    end
  end
end
return out
"""

# KEYS: the host's next-start key. ARGV: pause ms. Never shortens a pause already set.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 1000)
end
return until_ms
"""

_SLOT_PREFIX = keys.host_slots("")[: -len(":slots")]
_NEXT_PREFIX = keys.host_next_start("")[: -len(":next")]


class RedisHostGate:
    """The shared half of the fetcher's politeness (``newswatch.net.fetcher.HostGate``)."""

    def __init__(
        self, client: aioredis.Redis, *, per_host: int, gap: float, slot_ttl: float
    ) -> None:
        if per_host < 1 or gap < 0 or slot_ttl <= 0:
            raise ValueError("per_host must be >= 1, gap >= 0 and slot_ttl > 0")
        self.client = client
        self.per_host = per_host
        self.gap_ms = round(gap * 1000)
        self.ttl_ms = round(slot_ttl * 1000)
        self._gate = client.register_script(_GATE)
        self._pause = client.register_script(_PAUSE)
        self._asks: list[tuple[str, str, asyncio.Future[int]]] = []
        self._gives: list[tuple[str, str]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._give_timer: asyncio.TimerHandle | None = None
        self._tokens = (f"{os.getpid()}-{n}" for n in itertools.count())
        self.round_trips = 0  # script calls made (for tests and the benchmark)

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        host = host.lower()
        token = await self._acquire(host)
        try:
            yield
        finally:
            self._give_back(host, token)

    async def pause(self, host: str, seconds: float) -> None:
        """No request to ``host`` starts for ``seconds`` (from any instance)."""
        pause_ms = max(1, round(seconds * 1000))
        await self._pause(keys=[keys.host_next_start(host.lower())], args=[pause_ms])

    async def close(self) -> None:
        """Give back the slots still held (best effort: they expire anyway)."""
        if self._give_timer is not None:
            self._give_timer.cancel()
            self._give_timer = None
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        if self._gives:
            with contextlib.suppress(Exception):
                await self._call([], self._take_gives())

    async def _acquire(self, host: str) -> str:
        token = next(self._tokens)
        busy_wait = BUSY_RETRY
        while True:
            future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            self._asks.append((host, token, future))
            self._wake()
            wait_ms = await future
            if wait_ms == 0:
                return token
            if wait_ms > 0:
                await asyncio.sleep(wait_ms / 1000)
            else:  # all slots busy: ask again soon, spread so waiters do not move in step
                await asyncio.sleep(busy_wait * (0.5 + random.random()))
                busy_wait = min(busy_wait * 2, MAX_BUSY_RETRY)

    def _wake(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush())

    def _give_back(self, host: str, token: str) -> None:
        """Queue the slot's release for the next call; make sure one comes soon."""
        self._gives.append((host, token))
        if self._give_timer is None:
            self._give_timer = asyncio.get_running_loop().call_later(GIVE_LINGER, self._lingered)

    def _lingered(self) -> None:
        self._give_timer = None
        if self._gives:
            self._wake()

    def _take_gives(self) -> list[tuple[str, str]]:
        gives, self._gives = self._gives, []
        return gives

    async def _flush(self) -> None:
        """Send what waits (asks and gives), then the asks that arrived meanwhile (with the
        gives), until no ask is left; gives left over wait for the next ask (or the linger).
        The first call is never empty: this task is started by an ask or by the linger."""
        await asyncio.sleep(0)  # let the requests of this loop iteration join
        while True:
            asks, self._asks = self._asks, []
            await self._answer(asks, self._take_gives())
            if not self._asks:
                break
        if self._gives and self._give_timer is None:
            self._give_timer = asyncio.get_running_loop().call_later(GIVE_LINGER, self._lingered)

    async def _answer(
        self, asks: list[tuple[str, str, asyncio.Future[int]]], gives: list[tuple[str, str]]
    ) -> None:
        try:
            answers = await self._call(asks, gives)
        except Exception as exc:  # Redis down: the waiting requests fail, loudly
            log.error("host gate failed", asks=len(asks), error=str(exc))
            for _, _, future in asks:
                if not future.done():
                    future.set_exception(exc)
            return
        for (host, token, future), answer in zip(asks, answers, strict=True):
            if not future.done():
                future.set_result(answer)
            elif answer == 0:  # granted to a request cancelled meanwhile: give it back
                self._give_back(host, token)

    async def _call(
        self, asks: list[tuple[str, str, asyncio.Future[int]]], gives: list[tuple[str, str]]
    ) -> list[int]:
        args: list[str | int] = [_SLOT_PREFIX, _NEXT_PREFIX, len(gives)]
        for host, token in gives:
            args += [host, token]
        for host, token, _ in asks:
            args += [host, token, self.per_host, self.gap_ms, self.ttl_ms]
        self.round_trips += 1
        answers = await self._gate(keys=[], args=args)
        return [int(a) for a in answers]
