"""Periodic work that runs once per turn however many instances share the database.

Every instance runs the same loops (purge, and whatever else must happen every so often). Each
round, an instance asks for the turn: one conditional UPDATE moves the task's ``due_at`` a full
interval ahead only if it is due now, so of several instances asking at once exactly one
changes the row and runs the work; the rest find it not due and wait. This needs no session
state on the connection (unlike advisory locks), so it works through PgBouncer in transaction
mode, and on SQLite. An instance that dies mid-turn loses only that turn: the next is due an
interval later as usual.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
from collections.abc import Awaitable, Callable

import structlog
from prometheus_client import Counter
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from botsieve.kit.db import dialect_insert, transaction
from botsieve.kit.outage import OutageLog
from botsieve.models import PeriodicLease
from botsieve.models.base import utcnow

log = structlog.get_logger()

PERIODIC_RUNS = Counter(
    "botsieve_periodic_runs_total", "Turns of periodic work this process won and ran", ["task"]
)
NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# An instance asks this many times per interval, so a turn starts at most this late.
ASKS_PER_INTERVAL = 4


def this_instance() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def take_turn(
    maker: async_sessionmaker[AsyncSession],
    task: str,
    interval: float,
    holder: str,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """The turn's due time if this caller won it, None if it is not due or someone else won."""
    now = now or utcnow()
    async with transaction(maker) as db:
        conn = await db.connection()
        table = PeriodicLease.__table__
        await conn.execute(
            dialect_insert(conn.dialect.name, table)
            .values(name=task, holder=holder, due_at=NEVER, runs=0)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        row = (
            await conn.execute(
                update(PeriodicLease)
                .where(PeriodicLease.name == task, PeriodicLease.due_at <= now)
                .values(
                    holder=holder,
                    last_run_at=now,
                    due_at=now + dt.timedelta(seconds=interval),
                    runs=PeriodicLease.runs + 1,
                )
                .returning(PeriodicLease.runs)
            )
        ).first()
    return now if row is not None else None


async def every(
    maker: async_sessionmaker[AsyncSession],
    task: str,
    interval: float,
    work: Callable[[], Awaitable[object]],
    holder: str | None = None,
) -> None:
    """Run ``work`` once per ``interval`` across every instance, until cancelled."""
    holder = holder or this_instance()
    outage = OutageLog(task)  # a database outage is one line, not one per ask
    while True:
        try:
            turn = await take_turn(maker, task, interval, holder)
            outage.succeeded()
            if turn is not None:
                PERIODIC_RUNS.labels(task).inc()
                log.info("periodic_turn", task=task, holder=holder, turn=turn.isoformat())
                await work()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the next turn tries again
            if not outage.absorbed(exc):
                log.warning("periodic_turn_failed", task=task, error=repr(exc))
        await asyncio.sleep(interval / ASKS_PER_INTERVAL)
