from __future__ import annotations

import csv
import io
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.dashboard.rollups import CounterBuffer
from botsieve.dashboard.service import decode_cursor, encode_cursor
from botsieve.decisions import service as decisions
from botsieve.decisions.rule import Rule, decide
from botsieve.integrations.labels import label_changed, review_changed
from botsieve.kit.errors import BadRequest, NotFound
from botsieve.models import ReviewEvent, Session
from botsieve.models.base import utcnow
from botsieve.review.repository import ReviewRepository
from botsieve.review.schemas import (
    LabelIn,
    LabelOut,
    Reviewed,
    ReviewIn,
    ReviewItem,
    ReviewPage,
)
from botsieve.sessions.service import get_session


async def set_label(db: AsyncSession, session_id: uuid.UUID, body: LabelIn) -> LabelOut:
    """Store the researcher's label on the session (labels feed training)."""
    session = await get_session(db, session_id)
    session.label = body.label
    await db.flush()
    await label_changed(db, session.id, body.label)  # back into the survey platform's data
    return LabelOut(session_id=session.id, label=body.label)


def _item(session: Session, event: ReviewEvent | None) -> ReviewItem:
    return ReviewItem(
        session_id=session.id,
        created_at=session.created_at,
        survey_id=session.survey_id,
        respondent_id=session.respondent_id,
        bot_probability=session.bot_probability,
        risk_level=session.risk_level,
        verdict=session.verdict,
        decision=session.decision,
        review_state=session.review_state or "pending",  # type: ignore[arg-type]
        reviewed_by=event.decided_by if event else None,
        reviewed_at=event.decided_at if event else None,
    )


async def queue(
    db: AsyncSession, state: str, survey_id: str | None, cursor: str | None, limit: int
) -> ReviewPage:
    """Flagged and in-band sessions, newest first, with who reviewed them and when."""
    repo = ReviewRepository(db)
    after = decode_cursor(cursor) if cursor else None
    sessions = await repo.page(state, survey_id, after, limit + 1)
    more = len(sessions) > limit
    sessions = sessions[:limit]
    events = await repo.latest_events([s.id for s in sessions])
    counts = dict.fromkeys(("pending", "confirmed_bot", "dismissed"), 0)
    counts.update(await repo.counts(survey_id))
    return ReviewPage(
        items=[_item(s, events.get(s.id)) for s in sessions],
        next_cursor=encode_cursor(sessions[-1]) if more and sessions else None,
        counts=counts,  # type: ignore[arg-type]
    )


async def review(
    db: AsyncSession,
    counters: CounterBuffer,
    body: ReviewIn,
    by: str,
    model_threshold: float,
) -> tuple[Reviewed, list[Session]]:
    """Record one review decision on each session and redecide them (all or none)."""
    repo = ReviewRepository(db)
    ids = list(dict.fromkeys(body.session_ids))
    sessions = await repo.sessions(ids)
    found = {s.id for s in sessions}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(f"No session {', '.join(missing[:5])}; nothing was changed.")
    waiting = [str(s.id) for s in sessions if s.bot_probability is None]
    if waiting:
        raise BadRequest(f"Not analysed yet: {', '.join(waiting[:5])}; nothing was changed.")
    now = utcnow()
    rules: dict[str, Rule] = {}
    for session in sessions:
        if session.survey_id not in rules:
            rules[session.survey_id] = await decisions.current_rule(
                db, session.survey_id, model_threshold
            )
        was_excluded = session.decision == "exclude"
        session.review_state = None if body.state == "pending" else body.state
        session.decision = decide(
            rules[session.survey_id],
            float(session.bot_probability or 0.0),
            session.verdict,
            session.review_state,
        )
        session.is_bot = session.decision == "exclude"
        if session.is_bot != was_excluded:
            change = 1 if session.is_bot else -1
            counters.record(session.created_at, session.survey_id, session.platform, bots=change)
        repo.add_event(
            ReviewEvent(
                session_id=session.id,
                state=body.state,
                decided_by=by,
                decided_at=now,
                note=body.note,
            )
        )
    await db.flush()
    for session in sessions:  # the new decision, into the platforms' data and to webhooks
        await review_changed(db, session)
    return Reviewed(
        updated=len(sessions), state=body.state, decided_by=by, decided_at=now
    ), sessions


HISTORY_COLUMNS = (
    "decided_at",
    "decided_by",
    "state",
    "note",
    "session_id",
    "survey_id",
    "respondent_id",
    "bot_probability",
    "decision_now",
)


async def history_csv(db: AsyncSession, survey_id: str | None) -> str:
    """Every review decision, oldest first, as CSV (a spreadsheet opens it as it is)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HISTORY_COLUMNS)
    for event, session in await ReviewRepository(db).history(survey_id):
        writer.writerow(
            [
                event.decided_at.isoformat(),
                event.decided_by,
                event.state,
                safe_cell(event.note or ""),
                str(session.id),
                safe_cell(session.survey_id),
                safe_cell(session.respondent_id or ""),
                "" if session.bot_probability is None else f"{session.bot_probability:.4f}",
                session.decision or "",
            ]
        )
    return out.getvalue()


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
