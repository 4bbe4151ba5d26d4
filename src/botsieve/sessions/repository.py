"""Every query on sessions and their stored events."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.db import dialect_insert
from botsieve.models import BehaviorData, EventBatch, IdempotencyRecord, Session
from botsieve.models.base import utcnow
from botsieve.sessions.codec import EncodedRow


class SessionRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, session: Session) -> Session:
        self.db.add(session)
        await self.db.flush()
        return session

    async def get(self, session_id: uuid.UUID) -> Session | None:
        return await self.db.get(Session, session_id)

    async def write_target(self, session_id: uuid.UUID) -> Row[Any] | None:
        """The little an ingestion needs to know about the session, in one indexed lookup."""
        result = await self.db.execute(
            select(
                Session.api_key_id,
                Session.expires_at,
                Session.survey_id,
                Session.platform,
                Session.created_at,
            ).where(Session.id == session_id)
        )
        return result.first()

    async def claim_batch(self, session_id: uuid.UUID, batch_id: str, count: int) -> bool:
        """Record the batch id; False when this batch was stored before."""
        statement = (
            dialect_insert(self.db, EventBatch)
            .values(session_id=session_id, batch_id=batch_id, event_count=count)
            .on_conflict_do_nothing()
        )
        result = await self.db.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def store_rows(self, session_id: uuid.UUID, rows: Sequence[EncodedRow]) -> None:
        await self.db.execute(
            insert(BehaviorData),
            [
                {
                    "session_id": session_id,
                    "event_type": r.event_type,
                    "timestamp": r.first_t,
                    "event_count": r.count,
                    "data": r.data,
                }
                for r in rows
            ],
        )

    async def add_events(self, session_id: uuid.UUID, count: int) -> int:
        result = await self.db.execute(
            update(Session)
            .where(Session.id == session_id)
            .values(event_count=Session.event_count + count, updated_at=utcnow())
            .returning(Session.event_count)
        )
        return int(result.scalar_one())

    async def event_rows(self, session_id: uuid.UUID) -> list[tuple[str, int, bytes]]:
        result = await self.db.execute(
            select(BehaviorData.event_type, BehaviorData.event_count, BehaviorData.data)
            .where(BehaviorData.session_id == session_id)
            .order_by(BehaviorData.id)
        )
        return [(r[0], r[1], r[2]) for r in result]

    async def counts_by_type(self, session_id: uuid.UUID) -> dict[str, int]:
        result = await self.db.execute(
            select(BehaviorData.event_type, func.sum(BehaviorData.event_count))
            .where(BehaviorData.session_id == session_id)
            .group_by(BehaviorData.event_type)
        )
        return {r[0]: int(r[1]) for r in result}

    async def idempotent_session(self, key_id: uuid.UUID, key: str) -> uuid.UUID | None:
        return await self.db.scalar(
            select(IdempotencyRecord.session_id).where(
                IdempotencyRecord.api_key_id == key_id, IdempotencyRecord.key == key
            )
        )

    async def remember_idempotent(self, key_id: uuid.UUID, key: str, sid: uuid.UUID) -> None:
        self.db.add(IdempotencyRecord(api_key_id=key_id, key=key, session_id=sid))
        await self.db.flush()

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
