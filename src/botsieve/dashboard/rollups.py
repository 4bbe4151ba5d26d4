"""Hourly counters kept as sessions are created, fed and analysed.

The overview reads these instead of scanning sessions, which keeps it fast at millions of rows.
Counts are aggregates with no respondent data, so deleting a session does not change them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import structlog
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from botsieve.kit.db import dialect_insert, transaction
from botsieve.kit.outage import OutageLog
from botsieve.models import EventBatch, HourlyRollup, Session

log = structlog.get_logger()
RISK_COLUMNS = {
    "low": "risk_low",
    "medium": "risk_medium",
    "high": "risk_high",
    "critical": "risk_critical",
}


def hour_of(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


_UPSERTS: dict[tuple[str, tuple[str, ...]], Any] = {}


def _upsert(dialect: str, counters: tuple[str, ...]) -> Any:
    """One prebuilt statement per database and set of counters, with bound values."""
    key = (dialect, counters)
    if key not in _UPSERTS:
        table = HourlyRollup.__table__
        statement = dialect_insert(dialect, table).values(
            bucket=bindparam("bucket"),
            survey_id=bindparam("survey_id"),
            platform=bindparam("platform"),
            **{name: bindparam(name) for name in counters},
        )
        _UPSERTS[key] = statement.on_conflict_do_update(
            index_elements=["bucket", "survey_id", "platform"],
            set_={name: table.c[name] + statement.excluded[name] for name in counters},
        )
    return _UPSERTS[key]


RollupKey = tuple[dt.datetime, str, str]


class CounterBuffer:
    """Counter increments gathered in memory and written to the rollups about once a second.

    Every session creation and event batch would otherwise update the same hourly row, which
    serialises concurrent writers on PostgreSQL and adds a statement to every ingestion. The
    cost: a crash loses at most one interval of *counts* (never events or sessions; ``botsieve
    rebuild-rollups`` counts them again from the sessions and the stored batches). Reads in
    this process flush first, so they see their own writes; other workers' counts appear within
    an interval.
    """

    def __init__(self) -> None:
        self._pending: dict[RollupKey, dict[str, int]] = {}
        self._lock = asyncio.Lock()

    def record(self, moment: dt.datetime, survey_id: str, platform: str, **increments: int) -> None:
        counters = self._pending.setdefault((hour_of(moment), survey_id, platform), {})
        for name, value in increments.items():
            counters[name] = counters.get(name, 0) + value

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def flush(self, maker: async_sessionmaker[AsyncSession]) -> int:
        """Write what is pending in one transaction; on failure keep it for the next try."""
        async with self._lock:
            if not self._pending:
                return 0
            pending, self._pending = self._pending, {}
            try:
                async with transaction(maker) as db:
                    conn = await db.connection()
                    for (bucket, survey_id, platform), counters in pending.items():
                        names = tuple(sorted(counters))
                        await conn.execute(
                            _upsert(conn.dialect.name, names),
                            {
                                **counters,
                                "bucket": bucket,
                                "survey_id": survey_id,
                                "platform": platform,
                            },
                        )
            except BaseException:
                for (bucket, survey_id, platform), counters in pending.items():
                    self.record(bucket, survey_id, platform, **counters)
                raise
            return len(pending)

    async def flush_forever(
        self, maker: async_sessionmaker[AsyncSession], interval: float = 1.0
    ) -> None:
        outage = OutageLog("rollups")  # a database outage is one line, not one per second
        while True:
            await asyncio.sleep(interval)
            try:
                written = await self.flush(maker)
            except Exception as exc:
                if not outage.absorbed(exc):
                    log.warning("rollup_flush_failed", error=repr(exc))
                continue
            if written:
                outage.succeeded()


def verdict_increments(before: tuple[bool, str] | None, after: tuple[bool, str]) -> dict[str, int]:
    """Counter changes when a session's verdict goes from ``before`` to ``after``."""
    changes: dict[str, int] = {}
    for verdict, sign in ((before, -1), (after, 1)):
        if verdict is None:
            continue
        is_bot, risk = verdict
        changes["analyzed"] = changes.get("analyzed", 0) + sign
        changes["bots"] = changes.get("bots", 0) + sign * int(is_bot)
        column = RISK_COLUMNS[risk]
        changes[column] = changes.get(column, 0) + sign
    return {k: v for k, v in changes.items() if v}


def hour_bucket(dialect: str) -> Any:
    """A session's creation hour in SQL (a datetime on PostgreSQL, ISO text on SQLite)."""
    return _hour(Session.created_at, dialect == "postgresql")


async def rebuild(db: AsyncSession) -> int:
    """Replace the hourly counters: sessions and verdicts from the sessions table, events from
    the stored batches (after an import or a repair).

    Events count by arrival hour: they are recounted from the stored batches, and an hour keeps
    the count it had when that was larger (its sessions may since have been purged).
    """
    postgres = db.get_bind().dialect.name == "postgresql"
    rows = (await db.execute(_session_counts(postgres))).all()
    events = await _event_counts(db, postgres)
    for previous in await db.scalars(select(HourlyRollup)):
        key = (previous.bucket, previous.survey_id, previous.platform)
        events[key] = max(events.get(key, 0), previous.events or 0)
    await db.execute(delete(HourlyRollup))
    counted: dict[tuple[dt.datetime, str, str], HourlyRollup] = {}
    for row in rows:
        key = (_bucket(row[0]), row[1], row[2])
        counted[key] = HourlyRollup(
            bucket=key[0],
            survey_id=row[1],
            platform=row[2],
            sessions=row[3],
            events=events.pop(key, 0),
            analyzed=row[4],
            bots=int(row[5]),
            **{col: row[6 + i] for i, col in enumerate(RISK_COLUMNS.values())},
        )
    for key, count in events.items():  # hours with events but no session begun in them
        counted[key] = _events_only(key, count)
    db.add_all(counted.values())
    await db.flush()
    return len(counted)


def _hour(column: Any, postgres: bool) -> Any:
    if postgres:
        return func.date_trunc("hour", column)
    return func.strftime("%Y-%m-%d %H:00:00.000000", column)


def _bucket(value: dt.datetime | str) -> dt.datetime:
    return hour_of(value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value))


def _session_counts(postgres: bool) -> Any:
    hour = _hour(Session.created_at, postgres)
    return select(
        hour.label("bucket"),
        Session.survey_id,
        Session.platform,
        func.count().label("sessions"),
        func.count(Session.is_bot).label("analyzed"),
        func.coalesce(func.sum(func.cast(Session.is_bot, HourlyRollup.bots.type)), 0),
        *[
            func.count().filter(Session.risk_level == risk).label(col)
            for risk, col in RISK_COLUMNS.items()
        ],
    ).group_by(hour, Session.survey_id, Session.platform)


async def _event_counts(
    db: AsyncSession, postgres: bool
) -> dict[tuple[dt.datetime, str, str], int]:
    hour = _hour(EventBatch.received_at, postgres)
    query = (
        select(hour, Session.survey_id, Session.platform, func.sum(EventBatch.event_count))
        .join(Session, Session.id == EventBatch.session_id)
        .group_by(hour, Session.survey_id, Session.platform)
    )
    return {(_bucket(r[0]), r[1], r[2]): int(r[3]) for r in await db.execute(query)}


def _events_only(key: tuple[dt.datetime, str, str], events: int) -> HourlyRollup:
    zeros = {col: 0 for col in RISK_COLUMNS.values()}
    return HourlyRollup(
        bucket=key[0],
        survey_id=key[1],
        platform=key[2],
        sessions=0,
        events=events,
        analyzed=0,
        bots=0,
        **zeros,
    )
