"""Every query on sessions and their stored events.

The ingestion path runs prebuilt Core statements with bound parameters: building an ORM
statement per request cost more than running it (see docs/service.md, "Performance").
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from botsieve.kit.db import dialect_insert
from botsieve.models import BehaviorData, EventBatch, IdempotencyRecord, Session
from botsieve.models.base import utcnow
from botsieve.sessions.codec import EncodedRow

_sessions = cast(Table, Session.__table__)
_batches = cast(Table, EventBatch.__table__)
_rows = cast(Table, BehaviorData.__table__)

WRITE_TARGET = select(
    _sessions.c.api_key_id,
    _sessions.c.expires_at,
    _sessions.c.survey_id,
    _sessions.c.platform,
    _sessions.c.created_at,
).where(_sessions.c.id == bindparam("sid"))
ADD_EVENTS = (
    update(_sessions)
    .where(_sessions.c.id == bindparam("sid"))
    .values(event_count=_sessions.c.event_count + bindparam("n"), updated_at=bindparam("now"))
    .returning(_sessions.c.event_count)
)
STORE_ROWS = insert(_rows)
EVENT_ROWS = (
    select(_rows.c.event_type, _rows.c.event_count, _rows.c.data)
    .where(_rows.c.session_id == bindparam("sid"))
    .order_by(_rows.c.id)
)
INSERT_SESSION = insert(_sessions)
_CLAIM_BATCH: dict[str, Any] = {}
_idempotency = cast(Table, IdempotencyRecord.__table__)
IDEMPOTENT_SESSION = select(_idempotency.c.session_id).where(
    _idempotency.c.api_key_id == bindparam("kid"), _idempotency.c.key == bindparam("key")
)
CREATED_SESSION = select(_sessions.c.id, _sessions.c.expires_at, _sessions.c.status).where(
    _sessions.c.id == bindparam("sid")
)


def _claim_statement(dialect: str) -> Any:
    if dialect not in _CLAIM_BATCH:
        _CLAIM_BATCH[dialect] = (
            dialect_insert(dialect, _batches)
            .values(
                session_id=bindparam("sid"),
                batch_id=bindparam("bid"),
                event_count=bindparam("n"),
                received_at=bindparam("now"),
            )
            .on_conflict_do_nothing()
        )
    return _CLAIM_BATCH[dialect]


class SessionWriter:
    """The writes of session creation and ingestion, on a plain connection (no ORM session)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insert(self, values: dict[str, Any]) -> None:
        await self.conn.execute(INSERT_SESSION, values)

    async def created(self, session_id: uuid.UUID) -> Any:
        result = await self.conn.execute(CREATED_SESSION, {"sid": session_id})
        return result.first()

    async def idempotent_session(self, key_id: uuid.UUID, key: str) -> uuid.UUID | None:
        result = await self.conn.execute(IDEMPOTENT_SESSION, {"kid": key_id, "key": key})
        return result.scalar()

    async def remember_idempotent(self, key_id: uuid.UUID, key: str, sid: uuid.UUID) -> None:
        await self.conn.execute(
            insert(_idempotency),
            {"api_key_id": key_id, "key": key, "session_id": sid, "created_at": utcnow()},
        )

    async def write_target(self, session_id: uuid.UUID) -> Any:
        """The little an ingestion needs to know about the session, in one indexed lookup."""
        result = await self.conn.execute(WRITE_TARGET, {"sid": session_id})
        return result.first()

    async def claim_batch(self, session_id: uuid.UUID, batch_id: str, count: int) -> bool:
        """Record the batch id; False when this batch was stored before."""
        result = await self.conn.execute(
            _claim_statement(self.conn.dialect.name),
            {"sid": session_id, "bid": batch_id, "n": count, "now": utcnow()},
        )
        return bool(result.rowcount)

    async def store_rows(self, session_id: uuid.UUID, rows: Sequence[EncodedRow]) -> None:
        now = utcnow()
        await self.conn.execute(
            STORE_ROWS,
            [
                {
                    "session_id": session_id,
                    "event_type": r.event_type,
                    "timestamp": r.first_t,
                    "event_count": r.count,
                    "data": r.data,
                    "created_at": now,
                }
                for r in rows
            ],
        )

    async def add_events(self, session_id: uuid.UUID, count: int) -> int:
        result = await self.conn.execute(
            ADD_EVENTS, {"sid": session_id, "n": count, "now": utcnow()}
        )
        return int(result.scalar_one())

    async def event_count(self, session_id: uuid.UUID) -> int:
        result = await self.conn.execute(
            select(_sessions.c.event_count).where(_sessions.c.id == session_id)
        )
        return int(result.scalar() or 0)


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

    async def delete_where(self, *conditions: Any) -> int:
        result = await self.db.execute(delete(Session).where(*conditions))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def delete_expired(self, before: dt.datetime) -> int:
        return await self.delete_where(Session.expires_at < before)
