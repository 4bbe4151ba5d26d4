"""Hourly counters kept as sessions are created, fed and analysed.

The overview reads these instead of scanning sessions, which keeps it fast at millions of rows.
Counts are aggregates with no respondent data, so deleting a session does not change them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.db import dialect_insert
from botsieve.models import HourlyRollup, Session

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


async def add(
    db: AsyncSession, moment: dt.datetime, survey_id: str, platform: str, **increments: int
) -> None:
    """Add to one hour's counters, creating the row on first use."""
    table = HourlyRollup.__table__
    statement = dialect_insert(db, HourlyRollup).values(
        bucket=hour_of(moment), survey_id=survey_id, platform=platform, **increments
    )
    statement = statement.on_conflict_do_update(
        index_elements=["bucket", "survey_id", "platform"],
        set_={name: table.c[name] + value for name, value in increments.items()},
    )
    await db.execute(statement)


def verdict_increments(
    before: tuple[bool, str] | None, after: tuple[bool, str]
) -> dict[str, int]:
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


async def rebuild(db: AsyncSession) -> int:
    """Recount session counters from the sessions table (after an import or a repair).

    Event counters are kept as they are: they count by arrival hour, which sessions do not keep.
    """
    hour = func.strftime("%Y-%m-%d %H:00:00.000000", Session.created_at)
    if db.get_bind().dialect.name == "postgresql":
        hour = func.date_trunc("hour", Session.created_at)
    query = select(
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
    rows = (await db.execute(query)).all()
    await db.execute(delete(HourlyRollup))
    for row in rows:
        bucket = row[0] if isinstance(row[0], dt.datetime) else dt.datetime.fromisoformat(row[0])
        db.add(
            HourlyRollup(
                bucket=hour_of(bucket),
                survey_id=row[1],
                platform=row[2],
                sessions=row[3],
                events=0,
                analyzed=row[4],
                bots=int(row[5]),
                **{col: row[6 + i] for i, col in enumerate(RISK_COLUMNS.values())},
            )
        )
    await db.flush()
    return len(rows)
