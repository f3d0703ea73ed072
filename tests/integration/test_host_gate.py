"""The politeness gate shared across scheduler instances, on a real Redis: a slot given back
rides along with the next call for a slot instead of a round trip of its own, and goes out by
itself shortly when no call comes."""

from __future__ import annotations

import asyncio

import redis

from newswatch.store import keys
from newswatch.store.connection import connect_async
from newswatch.store.politeness import GIVE_LINGER, RedisHostGate


def test_a_slot_given_back_rides_with_the_next_ask(
    redis_url: str, redis_client: redis.Redis
) -> None:
    async def go() -> tuple[int, int, int, int]:
        client = connect_async(redis_url)
        gate = RedisHostGate(client, per_host=1, gap=0.0, slot_ttl=30.0)
        try:
            for _ in range(5):  # one slot per host: each ask only passes once the last is back
                async with gate.slot("a.example"):
                    pass
            asked = gate.round_trips
            held = int(await client.zcard(keys.host_slots("a.example")))
            await asyncio.sleep(GIVE_LINGER * 6)
            return (
                asked,
                held,
                gate.round_trips,
                int(await client.zcard(keys.host_slots("a.example"))),
            )
        finally:
            await gate.close()
            await client.aclose()

    asked, held, lingered, left = asyncio.run(go())
    assert asked == 5  # one call per slot, the previous slot's release in it
    assert held == 1  # the last release not sent yet...
    assert (lingered, left) == (6, 0)  # ...until the linger: then alone, and the host is free


def test_a_slot_granted_to_a_request_cancelled_meanwhile_is_given_back(
    redis_url: str, redis_client: redis.Redis
) -> None:
    async def go() -> tuple[int, int]:
        client = connect_async(redis_url)
        gate = RedisHostGate(client, per_host=1, gap=0.0, slot_ttl=30.0)

        async def hold() -> None:
            async with gate.slot("a.example"):
                await asyncio.Event().wait()

        try:
            waiter = asyncio.get_running_loop().create_task(hold())
            await asyncio.sleep(0)  # its ask is queued and the call for it started
            waiter.cancel()
            await asyncio.gather(waiter, return_exceptions=True)
            # the one slot of the host comes back (else this waits out the 30 s slot ttl)
            async with asyncio.timeout(10):
                async with gate.slot("a.example"):
                    pass
            await asyncio.sleep(GIVE_LINGER * 6)
            return gate.round_trips, int(await client.zcard(keys.host_slots("a.example")))
        finally:
            await gate.close()
            await client.aclose()

    calls, held = asyncio.run(go())
    assert held == 0
    assert calls == 3  # the cancelled grant, the next ask with its release, the last release
