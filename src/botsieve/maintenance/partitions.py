"""Time partitions of the event table on PostgreSQL: made ahead, dropped once expired.

From about a million sessions a day the purge would delete hundreds of millions of event rows
a day one by one (docs/deploy.md, "Where PostgreSQL becomes the limit"). So on PostgreSQL
``behavior_data`` is partitioned by ``created_at`` into periods of
``event_partition_days`` (migration 0521). This job, under a lease, keeps
``event_partitions_ahead`` periods made ahead of time, and the purge drops a whole period
once every session that could own a row in it is past retention, before it deletes those
sessions: their events are then gone already and the cascade has nothing left to find.

A default partition catches a row no period covers (the job did not run for weeks); making
the period later moves such rows into it. SQLite keeps one plain table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from botsieve.kit.db import transaction
from botsieve.models.base import utcnow

log = structlog.get_logger()

TABLE = "behavior_data"
DEFAULT = f"{TABLE}_default"
# The rows from before partitioning, attached by the migration as one period ending then.
BEFORE = f"{TABLE}_before_partitioning"
_PERIOD_NAME = re.compile(rf"^{TABLE}_p(\d{{8}})$")
# A drop waits this long for the table's lock, then gives the turn up (ingestion goes on).
LOCK_TIMEOUT = "2s"
EPOCH = dt.datetime(2000, 1, 3, tzinfo=dt.UTC)  # a Monday: weekly periods start on Mondays


@dataclass(frozen=True)
class Partition:
    name: str
    lower: dt.datetime | None  # None: MINVALUE
    upper: dt.datetime | None  # None: the default partition


def is_partition_name(name: str) -> bool:
    """Tables the partitioning makes that the models do not declare (migration checks skip
    them)."""
    return name in (DEFAULT, BEFORE) or _PERIOD_NAME.match(name) is not None


def period_start(moment: dt.datetime, days: int) -> dt.datetime:
    """The start of the period holding ``moment``: periods of ``days`` counted from EPOCH."""
    elapsed = (moment - EPOCH).total_seconds()
    periods = int(elapsed // (days * 86400))
    return EPOCH + dt.timedelta(days=periods * days)


def period_name(start: dt.datetime) -> str:
    return f"{TABLE}_p{start:%Y%m%d}"


async def is_partitioned(conn: AsyncConnection) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    partitioned = await conn.scalar(
        text("SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = :t AND relkind = 'p')"),
        {"t": TABLE},
    )
    return bool(partitioned)


async def partitions(conn: AsyncConnection) -> list[Partition]:
    """The table's partitions with their bounds, oldest first, the default last."""
    rows = await conn.execute(
        text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = :t"
        ),
        {"t": TABLE},
    )
    found = [_parsed(name, bound) for name, bound in rows]
    return sorted(found, key=lambda p: (p.upper is None, p.upper or EPOCH))


def _parsed(name: str, bound: str) -> Partition:
    if bound == "DEFAULT":
        return Partition(name, None, None)
    lower_text, upper_text = re.findall(r"\((.*?)\)", bound)[:2]
    return Partition(name, _bound(lower_text), _bound(upper_text))


def _bound(value: str) -> dt.datetime | None:
    if value == "MINVALUE":
        return None
    return dt.datetime.fromisoformat(value.strip("'")).astimezone(dt.UTC)


async def create_ahead(
    conn: AsyncConnection, days: int, ahead: int, now: dt.datetime | None = None
) -> list[str]:
    """Make the current period and ``ahead`` more; the names of those it made.

    A period overlapping one that exists (made with another length) is left to it.
    """
    now = now or utcnow()
    existing = [p for p in await partitions(conn) if p.upper is not None]
    made = []
    start = period_start(now, days)
    for _ in range(ahead + 1):
        end = start + dt.timedelta(days=days)
        if not any(_overlaps(p, start, end) for p in existing):
            name = period_name(start)
            await _create_period(conn, name, start, end)
            made.append(name)
        start = end
    return made


def _overlaps(part: Partition, start: dt.datetime, end: dt.datetime) -> bool:
    assert part.upper is not None
    return (part.lower is None or part.lower < end) and part.upper > start


async def maintain(maker: async_sessionmaker[AsyncSession], days: int, ahead: int) -> list[str]:
    """One turn of the partition job: the periods ahead exist (PostgreSQL, partitioned)."""
    async with transaction(maker) as db:
        conn = await db.connection()
        if not await is_partitioned(conn):
            return []
        return await create_ahead(conn, days, ahead)


async def _create_period(
    conn: AsyncConnection, name: str, start: dt.datetime, end: dt.datetime
) -> None:
    """One period; rows the default partition caught for it are moved into it first."""
    bounds = {"lo": start, "hi": end}
    await conn.execute(text(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)"))
    moved = await conn.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE created_at >= :lo AND created_at < :hi "
            f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"
        ),
        bounds,
    )
    # Bounds are literals in DDL: rendered from datetimes, never from input.
    await conn.execute(
        text(
            f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES "
            f"FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
    )
    log.info("event_partition_created", partition=name, moved_from_default=moved.rowcount)


async def drop_expired(db: AsyncSession, cutoff: dt.datetime) -> list[str]:
    """Drop every period whose rows can belong only to sessions expired before ``cutoff``.

    A row of a period ending at ``upper`` was written before ``upper``, so its session was
    created before then. Once no session created before ``upper`` is still within retention,
    the purge would delete every row of the period anyway: dropping it does that at once.
    """
    conn = await db.connection()
    if not await is_partitioned(conn):
        return []
    dropped = []
    for part in await partitions(conn):
        if part.upper is None or part.upper > cutoff:
            continue
        kept = await conn.scalar(
            text(
                "SELECT 1 FROM sessions WHERE created_at < :upper AND expires_at >= :cutoff LIMIT 1"
            ),
            {"upper": part.upper, "cutoff": cutoff},
        )
        if kept is not None:
            break  # later periods hold that session's rows too
        await conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        await conn.execute(text(f"DROP TABLE {part.name}"))
        dropped.append(part.name)
        log.info("event_partition_dropped", partition=part.name, upper=part.upper.isoformat())
    return dropped
