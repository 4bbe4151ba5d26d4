from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations.labels import label_changed
from botsieve.review.schemas import LabelIn, LabelOut
from botsieve.sessions.service import get_session


async def set_label(db: AsyncSession, session_id: uuid.UUID, body: LabelIn) -> LabelOut:
    """Store the researcher's label on the session (labels feed training)."""
    session = await get_session(db, session_id)
    session.label = body.label
    await db.flush()
    await label_changed(db, session.id, body.label)  # back into the survey platform's data
    return LabelOut(session_id=session.id, label=body.label)
