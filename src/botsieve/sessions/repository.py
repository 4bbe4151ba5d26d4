"""Every query on sessions and their stored events.

Session creation and ingestion run fixed SQL straight on the driver (``kit/rawdb.py``): through
SQLAlchemy's execution layer each statement cost more than the database took to run it (see
docs/service.md, "Performance"). Reads and maintenance go through the ORM session.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from botsieve.kit.rawdb import RawDatabase, RawTransaction
from botsieve.models import BehaviorData, Session
from botsieve.models.base import utcnow
from botsieve.sessions.codec import EncodedRow

SESSION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "expires_at",
    "status",
    "platform",
    "survey_id",
    "respondent_id",
    "api_key_id",
    "metadata",
    "environment",
    "ip_hash",
    "device_signature",
    "event_count",
    "is_completed",
)
INSERT_SESSION = (
    f"INSERT INTO sessions ({', '.join(SESSION_COLUMNS)}) "
    f"VALUES ({', '.join(f'${i + 1}' for i in range(len(SESSION_COLUMNS)))})"
)
IDEMPOTENT_SESSION = (
    "SELECT s.id, s.expires_at, s.status, i.request_hash FROM idempotency_keys i "
    "JOIN sessions s ON s.id = i.session_id WHERE i.api_key_id = $1 AND i.key = $2"
)
REMEMBER_IDEMPOTENT = (
    "INSERT INTO idempotency_keys (api_key_id, key, session_id, request_hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
)
WRITE_TARGET = (
    "SELECT api_key_id, expires_at, survey_id, platform, event_count FROM sessions WHERE id = $1"
)
CLAIM_BATCH = (
    "INSERT INTO event_batches (session_id, batch_id, event_count, received_at) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
)
STORE_ROWS = (
    'INSERT INTO behavior_data (session_id, event_type, "timestamp", event_count, data, '
    "created_at) VALUES ($1, $2, $3, $4, $5, $6)"
)
ADD_EVENTS = (
    "UPDATE sessions SET event_count = event_count + $2, updated_at = $3 WHERE id = $1 "
    "RETURNING event_count"
)
# PostgreSQL takes a whole batch in one statement (one round trip, atomic on its own): the
# claim, the rows and the count happen only when the session exists, is open and the caller
# may write into it ($5: the key that must own it, NULL for secret keys; $10: token valid).
PG_STORE_BATCH = """
WITH target AS (
    SELECT id, api_key_id, expires_at, survey_id, platform, event_count
    FROM sessions WHERE id = $1
), claim AS (
    INSERT INTO event_batches (session_id, batch_id, event_count, received_at)
    SELECT id, $2, $3, $4 FROM target
    WHERE $10 AND expires_at >= $4 AND ($5::uuid IS NULL OR api_key_id = $5::uuid)
    ON CONFLICT DO NOTHING
    RETURNING session_id
), stored AS (
    INSERT INTO behavior_data
        (session_id, event_type, "timestamp", event_count, data, created_at)
    SELECT claim.session_id, r.event_type, r.first_t, r.n, r.data, $4
    FROM claim,
        unnest($6::text[], $7::float8[], $8::int4[], $9::bytea[])
            AS r(event_type, first_t, n, data)
), bumped AS (
    UPDATE sessions SET event_count = event_count + $3, updated_at = $4
    WHERE id IN (SELECT session_id FROM claim)
    RETURNING event_count
)
SELECT api_key_id, expires_at, survey_id, platform, event_count,
    (SELECT event_count FROM bumped)
FROM target
"""
_rows = cast(Table, BehaviorData.__table__)
EVENT_ROWS = (
    select(_rows.c.event_type, _rows.c.event_count, _rows.c.data)
    .where(_rows.c.session_id == bindparam("sid"))
    .order_by(_rows.c.id)
)


@dataclass(frozen=True, slots=True)
class WriteTarget:
    """The little an ingestion needs to know about the session it writes into."""

    api_key_id: uuid.UUID | None
    expires_at: dt.datetime
    survey_id: str
    platform: str
    event_count: int


def _write_target(db: RawDatabase, row: Sequence[Any]) -> WriteTarget:
    """From a row of WRITE_TARGET's columns (PG_STORE_BATCH selects them too, in that order)."""
    key_id = None if row[0] is None else db.read_uuid(row[0])
    return WriteTarget(key_id, db.read_time(row[1]), row[2], row[3], int(row[4]))


def _session_row(db: RawDatabase, values: dict[str, Any]) -> list[Any]:
    encoded = {
        **values,
        "id": db.uuid(values["id"]),
        "api_key_id": db.uuid(values["api_key_id"]),
        "created_at": db.time(values["created_at"]),
        "updated_at": db.time(values["updated_at"]),
        "expires_at": db.time(values["expires_at"]),
        "metadata": db.json(values["metadata"]),
        "environment": db.json(values["environment"]),
    }
    return [encoded[c] for c in SESSION_COLUMNS]


async def insert_session(db: RawDatabase, values: dict[str, Any]) -> None:
    """One session in a transaction of its own (one round trip on PostgreSQL)."""
    await db.fetchrow_alone(INSERT_SESSION, *_session_row(db, values))


@dataclass(frozen=True)
class IdempotentSession:
    session_id: uuid.UUID
    expires_at: dt.datetime
    status: str
    request_hash: str | None


@dataclass(frozen=True)
class BatchOutcome:
    target: WriteTarget | None  # None: there is no such session
    stored: bool  # False: refused, or a retry of a batch already stored
    event_count: int
    now: dt.datetime


async def store_batch(
    db: RawDatabase,
    session_id: uuid.UUID,
    batch_id: str,
    rows: Sequence[EncodedRow],
    *,
    owner: uuid.UUID | None,
    token_ok: bool,
) -> BatchOutcome:
    """Store a batch if the session takes it: exists, is open, and ``owner`` (when given)
    created it. Nothing is written otherwise; the outcome says what was found."""
    count = sum(r.count for r in rows)
    if db.name == "postgresql":
        return await _store_batch_in_one_statement(
            db, session_id, batch_id, rows, count, owner, token_ok
        )
    async with db.transaction() as tx:
        writer = SessionWriter(db, tx)
        target = await writer.write_target(session_id)
        if target is None or not (
            token_ok
            and (owner is None or target.api_key_id == owner)
            and target.expires_at >= writer.now
        ):
            return BatchOutcome(target, False, 0, writer.now)
        if not await writer.claim_batch(session_id, batch_id, count):
            return BatchOutcome(target, False, target.event_count, writer.now)
        await writer.store_rows(session_id, rows)
        return BatchOutcome(target, True, await writer.add_events(session_id, count), writer.now)


async def _store_batch_in_one_statement(
    db: RawDatabase,
    session_id: uuid.UUID,
    batch_id: str,
    rows: Sequence[EncodedRow],
    count: int,
    owner: uuid.UUID | None,
    token_ok: bool,
) -> BatchOutcome:
    now = utcnow()
    row = await db.fetchrow_alone(
        PG_STORE_BATCH,
        session_id,
        batch_id,
        count,
        now,
        owner,
        [r.event_type for r in rows],
        [r.first_t for r in rows],
        [r.count for r in rows],
        [r.data for r in rows],
        token_ok,
    )
    if row is None:
        return BatchOutcome(None, False, 0, now)
    target = _write_target(db, row)
    stored = row[5] is not None
    return BatchOutcome(target, stored, int(row[5]) if stored else target.event_count, now)


class SessionWriter:
    """The writes of session creation and ingestion, inside one driver-level transaction."""

    def __init__(self, db: RawDatabase, tx: RawTransaction) -> None:
        self.db = db
        self.tx = tx
        # One time for every row the transaction writes (encoding it is not free on SQLite).
        self.now = utcnow()
        self._stamp = db.time(self.now)

    async def insert(self, values: dict[str, Any]) -> None:
        await self.tx.execute(INSERT_SESSION, *_session_row(self.db, values))

    async def idempotent_session(self, key_id: uuid.UUID, key: str) -> IdempotentSession | None:
        """The session an earlier request with this idempotency key created."""
        row = await self.tx.fetchrow(IDEMPOTENT_SESSION, self.db.uuid(key_id), key)
        if row is None:
            return None
        db = self.db
        return IdempotentSession(db.read_uuid(row[0]), db.read_time(row[1]), row[2], row[3])

    async def remember_idempotent(
        self, key_id: uuid.UUID, key: str, sid: uuid.UUID, request_hash: str
    ) -> bool:
        """Record the key; False when a concurrent request recorded it first."""
        db = self.db
        changed = await self.tx.execute(
            REMEMBER_IDEMPOTENT, db.uuid(key_id), key, db.uuid(sid), request_hash, self._stamp
        )
        return changed == 1

    async def write_target(self, session_id: uuid.UUID) -> WriteTarget | None:
        row = await self.tx.fetchrow(WRITE_TARGET, self.db.uuid(session_id))
        if row is None:
            return None
        return _write_target(self.db, row)

    async def claim_batch(self, session_id: uuid.UUID, batch_id: str, count: int) -> bool:
        """Record the batch id; False when this batch was stored before."""
        db = self.db
        changed = await self.tx.execute(
            CLAIM_BATCH, db.uuid(session_id), batch_id, count, self._stamp
        )
        return changed == 1

    async def store_rows(self, session_id: uuid.UUID, rows: Sequence[EncodedRow]) -> None:
        sid, now = self.db.uuid(session_id), self._stamp
        values = [(sid, r.event_type, r.first_t, r.count, r.data, now) for r in rows]
        if len(values) == 1:
            await self.tx.execute(STORE_ROWS, *values[0])
        else:
            await self.tx.executemany(STORE_ROWS, values)

    async def add_events(self, session_id: uuid.UUID, count: int) -> int:
        db = self.db
        row = await self.tx.fetchrow(ADD_EVENTS, db.uuid(session_id), count, self._stamp)
        return int(row[0]) if row else 0


class SessionRepository:
    """Reads and maintenance on sessions, through the request's ORM session."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def _conn(self) -> AsyncConnection:
        return await self.db.connection()

    async def get(self, session_id: uuid.UUID) -> Session | None:
        return await self.db.get(Session, session_id)

    async def event_rows(self, session_id: uuid.UUID) -> list[tuple[str, int, bytes]]:
        result = await (await self._conn()).execute(EVENT_ROWS, {"sid": session_id})
        return [(r[0], r[1], r[2]) for r in result]

    async def counts_by_type(self, session_id: uuid.UUID) -> dict[str, int]:
        result = await self.db.execute(
            select(BehaviorData.event_type, func.sum(BehaviorData.event_count))
            .where(BehaviorData.session_id == session_id)
            .group_by(BehaviorData.event_type)
        )
        return {r[0]: int(r[1]) for r in result}

    async def complete(self, session_id: uuid.UUID) -> None:
        await self.db.execute(
            update(Session)
            .where(Session.id == session_id)
            .values(status="completed", is_completed=True, updated_at=utcnow())
        )
