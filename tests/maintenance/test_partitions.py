"""PostgreSQL's event partitions: rows land in their period, reads and deletion see every
period, periods are made ahead, and a whole expired period is dropped by the purge."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import text, update

from botsieve.kit.db import transaction
from botsieve.maintenance import partitions
from botsieve.maintenance.service import purge_expired
from botsieve.models import Session
from botsieve.models.base import utcnow
from botsieve.sessions import codec
from botsieve.sessions.schemas import EventBatchIn
from tests.conftest import DATABASE
from tests.factories import mouse_path, new_session, send_events

on_postgresql = pytest.mark.skipif(
    DATABASE != "postgresql", reason="partitions are PostgreSQL's: runs in the PostgreSQL pass"
)
DAYS = 7


async def _where_rows_are(app, session_id: str) -> dict[str, int]:
    """Partition name -> rows of this session in it."""
    async with transaction(app.state.botsieve.sessionmaker) as db:
        rows = await db.execute(
            text(
                "SELECT tableoid::regclass::text, count(*) FROM behavior_data "
                "WHERE session_id = :s GROUP BY 1"
            ),
            {"s": uuid.UUID(session_id)},
        )
        return {name: n for name, n in rows}


async def _insert_row(app, session_id: str, created_at: dt.datetime) -> None:
    """One stored row of two pointer moves, as if stored at ``created_at``."""
    batch = EventBatchIn.model_validate({"batch_id": "x", "events": mouse_path(2)})
    (row,) = codec.encode_batch(batch.events)
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await db.execute(
            text(
                'INSERT INTO behavior_data (session_id, event_type, "timestamp", event_count,'
                " data, created_at) VALUES (:s, :type, :t0, :n, :data, :t)"
            ),
            {
                "s": uuid.UUID(session_id),
                "type": row.event_type,
                "t0": row.first_t,
                "n": row.count,
                "data": row.data,
                "t": created_at,
            },
        )


async def _names(app) -> list[str]:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        return [p.name for p in await partitions.partitions(await db.connection())]


def test_periods_are_counted_from_a_monday_and_named_by_their_start():
    moment = dt.datetime(2026, 12, 2, 13, 5, tzinfo=dt.UTC)  # a Wednesday
    start = partitions.period_start(moment, 7)
    assert start == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    assert partitions.period_name(start) == "behavior_data_p20261130"
    assert partitions.period_start(start, 7) == start
    assert partitions.is_partition_name("behavior_data_p20261130")
    assert not partitions.is_partition_name("behavior_data")


@pytest.mark.skipif(DATABASE == "postgresql", reason="the SQLite case")
async def test_sqlite_keeps_one_plain_table(app):
    maker = app.state.botsieve.sessionmaker
    assert await partitions.maintain(maker, DAYS, 4) == []
    async with transaction(maker) as db:
        assert await partitions.drop_expired(db, utcnow()) == []


@on_postgresql
async def test_events_land_in_the_period_they_were_stored_in(app, client, admin):
    session = await new_session(client, admin)
    assert (await send_events(client, admin, session, mouse_path(30))).status_code == 202
    period = partitions.period_name(partitions.period_start(utcnow(), DAYS))
    assert await _where_rows_are(app, session["session_id"]) == {period: 1}
    # Made ahead: the current period and four more, then the default.
    names = await _names(app)
    assert names[-1] == partitions.DEFAULT
    assert period in names and len(names[names.index(period) : -1]) >= 5


@on_postgresql
async def test_reads_and_deletion_cover_every_period(app, client, admin):
    session = await new_session(client, admin)
    sid = session["session_id"]
    assert (await send_events(client, admin, session, mouse_path(30))).status_code == 202
    await _insert_row(app, sid, utcnow() - dt.timedelta(days=3 * DAYS))
    await _insert_row(app, sid, utcnow() + dt.timedelta(days=2 * DAYS))
    spread = await _where_rows_are(app, sid)
    assert len(spread) == 3, spread
    ready = await client.get(f"/api/v1/detection/sessions/{sid}/ready-for-analysis", headers=admin)
    assert ready.json()["events_by_type"]["mousemove"] == 34
    analysed = await client.post(f"/api/v1/detection/sessions/{sid}/analyze", headers=admin)
    assert analysed.status_code == 200, analysed.text
    assert analysed.json()["event_count"] == 34
    # A respondent's deletion request (privacy.service) removes the rows of every period.
    deleted = await client.delete(f"/api/v1/detection/sessions/{sid}", headers=admin)
    assert deleted.json() == {"sessions_deleted": 1}
    assert await _where_rows_are(app, sid) == {}


@on_postgresql
async def test_a_row_no_period_covers_waits_in_the_default_and_moves_when_it_is_made(
    app, client, admin
):
    session = await new_session(client, admin)
    far = utcnow() + dt.timedelta(days=30 * DAYS)
    await _insert_row(app, session["session_id"], far)
    assert await _where_rows_are(app, session["session_id"]) == {partitions.DEFAULT: 1}
    async with transaction(app.state.botsieve.sessionmaker) as db:
        made = await partitions.create_ahead(await db.connection(), DAYS, 1, now=far)
    expected = partitions.period_name(partitions.period_start(far, DAYS))
    assert expected in made
    assert await _where_rows_are(app, session["session_id"]) == {expected: 1}
    # Asked again, nothing more is made.
    async with transaction(app.state.botsieve.sessionmaker) as db:
        assert await partitions.create_ahead(await db.connection(), DAYS, 1, now=far) == []


@on_postgresql
async def test_the_purge_drops_a_period_only_once_every_session_in_it_is_past_retention(
    app, client, admin
):
    maker = app.state.botsieve.sessionmaker
    old, kept = await new_session(client, admin), await new_session(client, admin)
    long_ago = utcnow() - dt.timedelta(days=100)
    # The migration's partition of everything before it covers the past; empty here (each
    # test starts from empty tables), it is dropped so that the past gets periods too.
    async with transaction(maker) as db:
        await db.execute(text(f"DROP TABLE IF EXISTS {partitions.BEFORE}"))
        made = await partitions.create_ahead(await db.connection(), DAYS, 0, now=long_ago)
    await _insert_row(app, old["session_id"], long_ago)
    (period,) = (await _where_rows_are(app, old["session_id"])).keys()
    assert made == [period]
    await send_events(client, admin, kept, mouse_path(30))

    async def age(sid: str, created: dt.datetime, expires: dt.datetime) -> None:
        async with transaction(maker) as db:
            await db.execute(
                update(Session)
                .where(Session.id == uuid.UUID(sid))
                .values(created_at=created, expires_at=expires)
            )

    # While a session created in that period is still within retention, the period stays.
    await age(old["session_id"], long_ago, utcnow())
    async with transaction(maker) as db:
        assert await partitions.drop_expired(db, utcnow() - dt.timedelta(days=30)) == []
    # Once it is past retention, the purge drops the period first, then deletes the session.
    await age(old["session_id"], long_ago, long_ago + dt.timedelta(days=1))
    async with transaction(maker) as db:
        assert await purge_expired(db, retention_days=30) == 1
    assert period not in await _names(app)
    assert await _where_rows_are(app, old["session_id"]) == {}
    assert sum((await _where_rows_are(app, kept["session_id"])).values()) == 1
