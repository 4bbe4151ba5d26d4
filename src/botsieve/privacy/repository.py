"""Every query of the privacy domain: find what belongs to a subject, and delete it.

A subject is a set of session ids and a set of platform responses (integration id, response
id). Outbox jobs are found through what their payloads name: completion jobs carry the
response id (and maybe the session id) at the top; webhook jobs carry the event's ``data``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.models import (
    DeletionRecord,
    Integration,
    OutboxJob,
    ScoredResponse,
    Session,
    SessionBinding,
)

Response = tuple[uuid.UUID, str]


def _payload(*path: str) -> ColumnElement[str]:
    return OutboxJob.payload[path].as_string()


class PrivacyRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def sessions_of_respondent(self, survey_id: str, respondent_id: str) -> set[uuid.UUID]:
        rows = await self.db.scalars(
            select(Session.id).where(
                Session.survey_id == survey_id, Session.respondent_id == respondent_id
            )
        )
        return set(rows)

    async def integrations_of_survey(self, survey_id: str) -> set[uuid.UUID]:
        rows = await self.db.scalars(
            select(Integration.id).where(Integration.survey_id == survey_id)
        )
        return set(rows)

    async def responses_of_sessions(self, session_ids: set[uuid.UUID]) -> set[Response]:
        if not session_ids:
            return set()
        rows = await self.db.execute(
            select(ScoredResponse.integration_id, ScoredResponse.response_id).where(
                ScoredResponse.session_id.in_(session_ids)
            )
        )
        return {(r[0], r[1]) for r in rows}

    async def responses_named_by_jobs(self, session_ids: set[uuid.UUID]) -> set[Response]:
        """Responses whose completion job names one of the sessions (not yet scored ones)."""
        if not session_ids:
            return set()
        rows = await self.db.execute(
            select(OutboxJob.integration_id, _payload("response_id")).where(
                OutboxJob.integration_id.is_not(None),
                _payload("session_id").in_([str(s) for s in session_ids]),
            )
        )
        return {(r[0], r[1]) for r in rows if r[0] is not None and r[1]}

    async def delete_responses(self, session_ids: set[uuid.UUID], responses: set[Response]) -> int:
        match = or_(
            ScoredResponse.session_id.in_(session_ids) if session_ids else false(),
            *(
                and_(ScoredResponse.integration_id == i, ScoredResponse.response_id == r)
                for i, r in responses
            ),
        )
        return await self._delete(ScoredResponse, match)

    async def delete_jobs(self, session_ids: set[uuid.UUID], responses: set[Response]) -> int:
        sids = [str(s) for s in session_ids]
        by_session = or_(
            _payload("session_id").in_(sids), _payload("body", "data", "session_id").in_(sids)
        )
        by_response = (
            or_(
                and_(OutboxJob.integration_id == i, _payload("response_id") == r),
                and_(
                    _payload("body", "data", "integration_id") == str(i),
                    _payload("body", "data", "response_id") == r,
                ),
            )
            for i, r in responses
        )
        return await self._delete(OutboxJob, or_(by_session if sids else false(), *by_response))

    async def delete_older_than(self, cutoff: dt.datetime) -> dict[str, int]:
        """Retention: expired sessions, responses scored before ``cutoff`` or of an expired
        session, and outbox jobs queued before it (finished or given up long since)."""
        expired = select(Session.id).where(Session.expires_at < cutoff)
        return {
            "integration_responses": await self._delete(
                ScoredResponse,
                or_(ScoredResponse.created_at < cutoff, ScoredResponse.session_id.in_(expired)),
            ),
            "integration_outbox": await self._delete(OutboxJob, OutboxJob.created_at < cutoff),
            "integration_session_bindings": await self._delete(
                SessionBinding,
                or_(SessionBinding.created_at < cutoff, SessionBinding.session_id.in_(expired)),
            ),
            "sessions": await self._delete(Session, Session.expires_at < cutoff),
        }

    async def delete_sessions(self, session_ids: set[uuid.UUID]) -> int:
        """Sessions, and by cascade their batches, events, analyses, review decisions and
        idempotency records; and which platform response each was bound to."""
        if not session_ids:
            return 0
        await self._delete(SessionBinding, SessionBinding.session_id.in_(session_ids))
        return await self._delete(Session, Session.id.in_(session_ids))

    async def record(self, row: DeletionRecord) -> None:
        self.db.add(row)
        await self.db.flush()

    async def _delete(self, model: Any, condition: ColumnElement[bool]) -> int:
        result = await self.db.execute(
            delete(model).where(condition).execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
