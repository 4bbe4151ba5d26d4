"""Every query of the integrations domain."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.db import dialect_insert
from botsieve.models import (
    Integration,
    OutboxJob,
    RefusedPost,
    ScoredResponse,
    Session,
    SessionBinding,
    Webhook,
)
from botsieve.models.base import utcnow


class IntegrationRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, row: Integration) -> Integration:
        self.db.add(row)
        await self.db.flush()
        return row

    async def get(self, integration_id: uuid.UUID) -> Integration | None:
        return await self.db.get(Integration, integration_id)

    async def delete(self, integration_id: uuid.UUID) -> None:
        # A bulk delete, so the database's ON DELETE CASCADE removes the rows that name it.
        await self.db.execute(delete(Integration).where(Integration.id == integration_id))

    async def by_token(self, token_hash: str, now: dt.datetime) -> Integration | None:
        return await self.db.scalar(
            select(Integration).where(
                Integration.active.is_(True),
                or_(
                    Integration.token_hash == token_hash,
                    and_(
                        Integration.previous_token_hash == token_hash,
                        Integration.previous_token_until > now,
                    ),
                ),
            )
        )

    async def by_hook(self, hook_hash: str) -> Integration | None:
        return await self.db.scalar(
            select(Integration).where(
                Integration.hook_hash == hook_hash, Integration.active.is_(True)
            )
        )

    async def all(self) -> list[Integration]:
        return list(await self.db.scalars(select(Integration).order_by(Integration.created_at)))

    async def touch(self, integration_id: uuid.UUID, **values: Any) -> None:
        await self.db.execute(
            update(Integration).where(Integration.id == integration_id).values(**values)
        )


class ResponseRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, integration_id: uuid.UUID, response_id: str) -> ScoredResponse | None:
        return await self.db.scalar(
            select(ScoredResponse).where(
                ScoredResponse.integration_id == integration_id,
                ScoredResponse.response_id == response_id,
            )
        )

    async def insert_once(self, values: dict[str, Any]) -> ScoredResponse:
        """Insert unless (integration, response) exists; return the stored row either way.

        Two concurrent first calls for one response both end with the same, first row.
        """
        dialect = self.db.get_bind().dialect.name
        stmt = dialect_insert(dialect, ScoredResponse.__table__).values(**values)
        await self.db.execute(
            stmt.on_conflict_do_nothing(index_elements=["integration_id", "response_id"])
        )
        # populate_existing: the stored row as it is now, even if this session held an older copy.
        row = await self.db.scalar(
            select(ScoredResponse)
            .where(
                ScoredResponse.integration_id == values["integration_id"],
                ScoredResponse.response_id == values["response_id"],
            )
            .execution_options(populate_existing=True)
        )
        assert row is not None
        return row

    async def update(self, row_id: int, **values: Any) -> None:
        await self.db.execute(
            update(ScoredResponse).where(ScoredResponse.id == row_id).values(**values)
        )

    async def by_session(self, session_id: uuid.UUID) -> list[tuple[ScoredResponse, Integration]]:
        rows = await self.db.execute(
            select(ScoredResponse, Integration)
            .join(Integration, Integration.id == ScoredResponse.integration_id)
            .where(ScoredResponse.session_id == session_id)
        )
        return [(r[0], r[1]) for r in rows]

    async def for_survey(
        self, survey_id: str, after_id: int, limit: int
    ) -> list[tuple[ScoredResponse, str, Session | None]]:
        """The survey's scored responses after ``after_id``, in id order, with their sessions."""
        rows = await self.db.execute(
            select(ScoredResponse, Integration.platform, Session)
            .join(Integration, Integration.id == ScoredResponse.integration_id)
            .outerjoin(Session, Session.id == ScoredResponse.session_id)
            .where(Integration.survey_id == survey_id, ScoredResponse.id > after_id)
            .order_by(ScoredResponse.id)
            .limit(limit)
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def peer_features(
        self, integration_id: uuid.UUID, exclude: str, limit: int = 1000
    ) -> list[dict[str, Any]]:
        rows = await self.db.scalars(
            select(ScoredResponse.quality_features)
            .where(
                ScoredResponse.integration_id == integration_id,
                ScoredResponse.response_id != exclude,
            )
            .order_by(ScoredResponse.id.desc())
            .limit(limit)
        )
        return [r for r in rows if r]


class BindingRepository:
    """Which response a session vouches for, and finding a session by the platform's respondent."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def bind(
        self, session_id: uuid.UUID, integration_id: uuid.UUID, response_id: str
    ) -> tuple[uuid.UUID, str]:
        """Bind the session unless it is bound already; return its (integration, response).

        Read first: every call after the first finds the binding, and a read takes no write
        lock (SQLite's is one for the whole database)."""
        owner = await self._owner(session_id)
        if owner is not None:
            return owner
        dialect = self.db.get_bind().dialect.name
        stmt = dialect_insert(dialect, SessionBinding.__table__).values(
            session_id=session_id,
            integration_id=integration_id,
            response_id=response_id,
            created_at=utcnow(),
        )
        inserted = await self.db.execute(stmt.on_conflict_do_nothing(index_elements=["session_id"]))
        if inserted.rowcount == 1:  # type: ignore[attr-defined]
            return integration_id, response_id  # ours: no need to read it back
        owner = await self._owner(session_id)  # another call bound it first
        assert owner is not None
        return owner

    async def _owner(self, session_id: uuid.UUID) -> tuple[uuid.UUID, str] | None:
        row = (
            await self.db.execute(
                select(SessionBinding.integration_id, SessionBinding.response_id).where(
                    SessionBinding.session_id == session_id
                )
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def latest_for_respondent(self, survey_id: str, respondent_id: str) -> Session | None:
        """The respondent's most recent session in the survey (a reload may have made two)."""
        return await self.db.scalar(
            select(Session)
            .where(Session.survey_id == survey_id, Session.respondent_id == respondent_id)
            .order_by(Session.event_count.desc(), Session.created_at.desc())
            .limit(1)
        )


class RefusalRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, integration_id: uuid.UUID, status_code: int, reason: str) -> None:
        self.db.add(
            RefusedPost(
                integration_id=integration_id,
                at=utcnow(),
                status_code=status_code,
                reason=reason[:300],
            )
        )
        await self.db.flush()

    async def counts_since(self, since: dt.datetime) -> dict[uuid.UUID, int]:
        rows = await self.db.execute(
            select(RefusedPost.integration_id, func.count())
            .where(RefusedPost.at >= since)
            .group_by(RefusedPost.integration_id)
        )
        return {r[0]: int(r[1]) for r in rows}

    async def latest(self, integration_id: uuid.UUID, limit: int) -> list[RefusedPost]:
        return list(
            await self.db.scalars(
                select(RefusedPost)
                .where(RefusedPost.integration_id == integration_id)
                .order_by(RefusedPost.id.desc())
                .limit(limit)
            )
        )

    async def purge(self, before: dt.datetime) -> int:
        result = await self.db.execute(delete(RefusedPost).where(RefusedPost.at < before))
        return int(result.rowcount)  # type: ignore[attr-defined]


class OutboxRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def enqueue(self, job: dict[str, Any]) -> bool:
        """Add a job unless its dedupe key is taken; True when it was new."""
        dialect = self.db.get_bind().dialect.name
        stmt = dialect_insert(dialect, OutboxJob.__table__).values(**job)
        result = await self.db.execute(stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def due(self, now: dt.datetime, limit: int) -> list[int]:
        rows = await self.db.scalars(
            select(OutboxJob.id)
            .where(
                OutboxJob.status == "pending",
                OutboxJob.next_attempt_at <= now,
                or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until < now),
            )
            .order_by(OutboxJob.next_attempt_at)
            .limit(limit)
        )
        return list(rows)

    async def claim(
        self, job_id: int, now: dt.datetime, lease_until: dt.datetime
    ) -> OutboxJob | None:
        """Lease a job; only one worker (of any process) wins the UPDATE."""
        result = await self.db.execute(
            update(OutboxJob)
            .where(
                OutboxJob.id == job_id,
                OutboxJob.status == "pending",
                or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until < now),
            )
            .values(locked_until=lease_until)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        return await self.db.get(OutboxJob, job_id)

    async def finish(self, job_id: int, **values: Any) -> None:
        await self.db.execute(update(OutboxJob).where(OutboxJob.id == job_id).values(**values))

    async def get(self, job_id: int) -> OutboxJob | None:
        return await self.db.get(OutboxJob, job_id)

    async def purge_finished(self, before: dt.datetime) -> int:
        result = await self.db.execute(
            delete(OutboxJob).where(
                OutboxJob.status.in_(("done", "dead")), OutboxJob.finished_at < before
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def depth_by_integration(self, status: str = "pending") -> dict[uuid.UUID | None, int]:
        rows = await self.db.execute(
            select(OutboxJob.integration_id, func.count())
            .where(OutboxJob.status == status)
            .group_by(OutboxJob.integration_id)
        )
        return {r[0]: int(r[1]) for r in rows}

    async def waiting(self, integration_id: uuid.UUID, limit: int) -> list[OutboxJob]:
        """The integration's latest jobs that wait for a fix or were given up, newest first."""
        return list(
            await self.db.scalars(
                select(OutboxJob)
                .where(
                    OutboxJob.integration_id == integration_id,
                    OutboxJob.status.in_(("needs_attention", "dead")),
                )
                .order_by(OutboxJob.id.desc())
                .limit(limit)
            )
        )

    async def requeue(self, integration_id: uuid.UUID, now: dt.datetime) -> int:
        """Jobs parked for a fix (or given up) become due now, with a fresh retry window."""
        result = await self.db.execute(
            update(OutboxJob)
            .where(
                OutboxJob.integration_id == integration_id,
                OutboxJob.status.in_(("needs_attention", "dead")),
            )
            .values(
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                locked_until=None,
                finished_at=None,
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def deliveries(self, endpoint_id: uuid.UUID | None, limit: int) -> list[OutboxJob]:
        query = select(OutboxJob).where(OutboxJob.kind == "webhook")
        if endpoint_id is not None:
            query = query.where(OutboxJob.endpoint_id == endpoint_id)
        return list(await self.db.scalars(query.order_by(OutboxJob.id.desc()).limit(limit)))


class WebhookRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, row: Webhook) -> Webhook:
        self.db.add(row)
        await self.db.flush()
        return row

    async def get(self, endpoint_id: uuid.UUID) -> Webhook | None:
        return await self.db.get(Webhook, endpoint_id)

    async def delete(self, endpoint_id: uuid.UUID) -> None:
        # The deliveries queued for it go with it (ON DELETE CASCADE).
        await self.db.execute(delete(Webhook).where(Webhook.id == endpoint_id))

    async def all(self) -> list[Webhook]:
        return list(await self.db.scalars(select(Webhook).order_by(Webhook.created_at)))

    async def subscribed(self, event_type: str) -> list[Webhook]:
        rows = await self.db.scalars(select(Webhook).where(Webhook.active.is_(True)))
        return [w for w in rows if event_type in (w.events or [])]
