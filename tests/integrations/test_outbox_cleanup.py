"""The outbox's housekeeping: forgets what is past retention, once per interval in all."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import pytest
from sqlalchemy import func, select

from botsieve.integrations import outbox
from botsieve.kit.db import transaction
from botsieve.kit.settings import Settings
from botsieve.models import OutboxJob, PeriodicLease
from botsieve.models.base import utcnow

INTERVAL = 0.4


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"integrations_cleanup_interval_seconds": INTERVAL})


async def _add_jobs(app, ages_days: dict[str, float]) -> None:
    now = utcnow()
    async with transaction(app.state.botsieve.sessionmaker) as db:
        for key, age in ages_days.items():
            job = outbox.new_job("webhook", key, {})
            job.update(status="done", finished_at=now - dt.timedelta(days=age))
            db.add(OutboxJob(**job))


async def _keys_left(app) -> set[str]:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        return set((await db.scalars(select(OutboxJob.dedupe_key))).all())


async def test_a_round_forgets_finished_jobs_past_retention_only(app):
    days = app.state.botsieve.settings.retention_days
    await _add_jobs(app, {"old": days + 1, "recent": days - 1})
    await outbox.clean_up(app.state.botsieve)
    assert await _keys_left(app) == {"recent"}


async def test_loops_on_several_instances_clean_up_once_per_interval(app, monkeypatch):
    state = app.state.botsieve
    await _add_jobs(app, {"expired": state.settings.retention_days + 1})
    rounds: list[dt.datetime] = []
    real = outbox.clean_up

    async def counted(state_) -> None:
        async with transaction(state.sessionmaker) as db:
            lease = await db.get(PeriodicLease, outbox.CLEANUP_TASK)
        assert lease is not None and lease.last_run_at is not None
        rounds.append(lease.last_run_at)  # the moment the turn was won
        await real(state_)

    monkeypatch.setattr(outbox, "clean_up", counted)
    # Three instances' loops on one database (the lease does not care who asks).
    loops = [asyncio.create_task(outbox.clean_up_forever(state)) for _ in range(3)]
    try:
        while len(rounds) < 4:
            await asyncio.sleep(0.05)
    finally:
        for loop in loops:
            loop.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
    assert await _keys_left(app) == set()
    # Without the lease three loops would start about three rounds per interval.
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(rounds)]
    assert min(gaps) >= INTERVAL, gaps
    async with transaction(state.sessionmaker) as db:
        lease = await db.get(PeriodicLease, outbox.CLEANUP_TASK)
        total = await db.scalar(select(func.count()).select_from(OutboxJob))
    assert lease is not None and lease.runs == len(rounds)
    assert total == 0
