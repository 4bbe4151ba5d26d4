"""Periodic leases: of several instances asking for a turn at once, exactly one gets it."""

from __future__ import annotations

import asyncio
import datetime as dt

from botsieve.kit import leases
from botsieve.kit.db import transaction
from botsieve.models import PeriodicLease
from botsieve.models.base import utcnow


async def test_one_winner_per_turn_among_instances_asking_together(app):
    maker = app.state.botsieve.sessionmaker
    now = utcnow()
    wins = []
    for turn in range(5):
        moment = now + dt.timedelta(seconds=60 * turn)
        answers = await asyncio.gather(
            *(leases.take_turn(maker, "test-task", 60, f"instance-{i}", moment) for i in range(6))
        )
        wins.append(sum(answer is not None for answer in answers))
    assert wins == [1, 1, 1, 1, 1]
    async with transaction(maker) as db:
        row = await db.get(PeriodicLease, "test-task")
    assert row is not None and row.runs == 5
    assert row.due_at == now + dt.timedelta(seconds=300)


async def test_a_turn_is_not_due_again_before_its_interval(app):
    maker = app.state.botsieve.sessionmaker
    now = utcnow()
    assert await leases.take_turn(maker, "hourly", 3600, "a", now) is not None
    assert (
        await leases.take_turn(maker, "hourly", 3600, "b", now + dt.timedelta(minutes=59)) is None
    )
    later = now + dt.timedelta(minutes=61)
    assert await leases.take_turn(maker, "hourly", 3600, "b", later) is not None


async def test_every_runs_the_work_once_per_interval_across_loops(app):
    maker = app.state.botsieve.sessionmaker
    runs: list[str] = []

    def work_of(name: str):
        async def work() -> None:
            runs.append(name)

        return work

    loops = [
        asyncio.create_task(leases.every(maker, "shared", 0.4, work_of(f"i{i}"), f"i{i}"))
        for i in range(3)
    ]
    try:
        while len(runs) < 3:
            await asyncio.sleep(0.05)
        started = asyncio.get_running_loop().time()
        count_then = len(runs)
        await asyncio.sleep(1.2)
        elapsed = asyncio.get_running_loop().time() - started
        during = len(runs) - count_then
    finally:
        for loop in loops:
            loop.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
    # Three loops without the lease would run about three times per interval.
    assert during <= elapsed / 0.4 + 1
