"""The review queue's queries: flagged and in-band sessions, their reviews and the history."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.models import ReviewEvent, Session

# What the rule flags: excluded outright, or in the review band.
FLAGGED = ("exclude", "review")


def in_queue() -> ColumnElement[bool]:
    """Sessions the queue holds: flagged by the rule, or reviewed already."""
    return or_(Session.review_state.is_not(None), Session.decision.in_(FLAGGED))


def with_state(state: str) -> ColumnElement[bool]:
    if state == "pending":
        return and_(Session.review_state.is_(None), Session.decision.in_(FLAGGED))
    if state == "all":
        return in_queue()
    return Session.review_state == state


class ReviewRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def page(
        self,
        state: str,
        survey_id: str | None,
        after: tuple[dt.datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Session]:
        query = select(Session).where(with_state(state))
        if survey_id:
            query = query.where(Session.survey_id == survey_id)
        if after is not None:
            created, sid = after
            query = query.where(
                or_(
                    Session.created_at < created,
                    and_(Session.created_at == created, Session.id < sid),
                )
            )
        query = query.order_by(Session.created_at.desc(), Session.id.desc()).limit(limit)
        return list(await self.db.scalars(query))

    async def counts(self, survey_id: str | None) -> dict[str, int]:
        state = func.coalesce(Session.review_state, "pending")
        query: Select[Any] = select(state, func.count()).where(in_queue())  # type: ignore[assignment]
        if survey_id:
            query = query.where(Session.survey_id == survey_id)
        rows = await self.db.execute(query.group_by(state))
        return {str(row[0]): int(row[1]) for row in rows}

    async def sessions(self, ids: list[uuid.UUID]) -> list[Session]:
        return list(await self.db.scalars(select(Session).where(Session.id.in_(ids))))

    async def latest_events(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, ReviewEvent]:
        """Each session's latest review event."""
        if not ids:
            return {}
        latest = (
            select(func.max(ReviewEvent.id))
            .where(ReviewEvent.session_id.in_(ids))
            .group_by(ReviewEvent.session_id)
        )
        rows = await self.db.scalars(select(ReviewEvent).where(ReviewEvent.id.in_(latest)))
        return {r.session_id: r for r in rows}

    def add_event(self, event: ReviewEvent) -> None:
        self.db.add(event)

    async def history(self, survey_id: str | None) -> list[tuple[ReviewEvent, Session]]:
        query = select(ReviewEvent, Session).join(Session, Session.id == ReviewEvent.session_id)
        if survey_id:
            query = query.where(Session.survey_id == survey_id)
        rows = await self.db.execute(query.order_by(ReviewEvent.id))
        return [(row[0], row[1]) for row in rows]
