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
