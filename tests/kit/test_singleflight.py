"""Concurrent misses of one remembered value share one lookup (kit/singleflight.py)."""

from __future__ import annotations

import asyncio

import pytest

from botsieve.kit.singleflight import SingleFlight


async def test_concurrent_callers_of_one_key_share_one_lookup_and_the_next_looks_again():
    flights, gate, lookups = SingleFlight(), asyncio.Event(), []

    async def look_up() -> str:
        lookups.append(1)
        await gate.wait()
        return "row"

    waiting = [asyncio.ensure_future(flights.run("token", look_up)) for _ in range(5)]
    other = asyncio.ensure_future(flights.run("another", look_up))
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*waiting, other) == ["row"] * 6
    assert len(lookups) == 2  # one per key
    assert await flights.run("token", look_up) == "row" and len(lookups) == 3


async def test_every_caller_gets_the_lookups_error():
    flights, gate = SingleFlight(), asyncio.Event()

    async def look_up() -> str:
        await gate.wait()
        raise LookupError("unknown token")

    waiting = [asyncio.ensure_future(flights.run("token", look_up)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    for outcome in await asyncio.gather(*waiting, return_exceptions=True):
        assert isinstance(outcome, LookupError)


async def test_a_caller_that_hangs_up_does_not_cancel_the_others_lookup():
    flights, gate = SingleFlight(), asyncio.Event()

    async def look_up() -> str:
        await gate.wait()
        return "row"

    first = asyncio.ensure_future(flights.run("token", look_up))
    second = asyncio.ensure_future(flights.run("token", look_up))
    await asyncio.sleep(0)
    first.cancel()
    gate.set()
    assert await second == "row"
    with pytest.raises(asyncio.CancelledError):
        await first
