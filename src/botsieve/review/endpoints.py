"""/api/v1/dashboard/sessions/{id}/label and /reanalyze: analysts review sessions."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from botsieve.analysis import service as analysis
from botsieve.analysis.schemas import AnalysisOut
from botsieve.kit.deps import DbDep, StateDep
from botsieve.kit.text import StorableText
from botsieve.review import service
from botsieve.review.schemas import LabelIn, LabelOut, QueueFilter, Reviewed, ReviewIn, ReviewPage
from botsieve.users.deps import Analyst, Viewer

SurveyFilter = Annotated[StorableText | None, Query(min_length=1, max_length=128)]

router = APIRouter(prefix="/dashboard", tags=["dashboard"])


@router.put("/sessions/{session_id}/label", response_model=LabelOut)
async def label_session(
    session_id: uuid.UUID, body: LabelIn, _: Analyst, db: DbDep, state: StateDep
) -> LabelOut:
    """Mark the session as human or bot (or clear the label)."""
    out = await service.set_label(db, session_id, body)
    state.notify("session_updated", {"session_id": str(session_id), "label": out.label})
    return out


@router.post("/sessions/{session_id}/reanalyze", response_model=AnalysisOut)
async def reanalyze(session_id: uuid.UUID, _: Analyst, db: DbDep, state: StateDep) -> AnalysisOut:
    """Run the detection engine on the session again; the new result is stored."""
    result = await analysis.analyze_session(db, state.model, state.counters, session_id)
    state.notify("analysis_complete", analysis.announcement(result))
    return result


@router.get("/review", response_model=ReviewPage)
async def review_queue(
    _: Viewer,
    db: DbDep,
    state: QueueFilter = "pending",
    survey_id: SurveyFilter = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ReviewPage:
    """Sessions the decision rule flags (excluded or in the review band), by review state."""
    return await service.queue(db, state, survey_id, cursor, limit)


@router.post("/review/decisions", response_model=Reviewed)
async def decide_reviews(body: ReviewIn, actor: Analyst, db: DbDep, state: StateDep) -> Reviewed:
    """Confirm sessions as bots, dismiss them as people, or undo the review; recorded with
    who and when, and applied to the sessions' decision at once."""
    out, sessions = await service.review(
        db, state.counters, body, actor.name, state.model.threshold
    )
    for session in sessions:
        state.notify(
            "session_updated",
            {
                "session_id": str(session.id),
                "decision": session.decision,
                "is_bot": session.is_bot,
                "review_state": session.review_state or "pending",
            },
        )
    return out


@router.get("/review/history.csv", response_class=Response)
async def review_history(_: Viewer, db: DbDep, survey_id: SurveyFilter = None) -> Response:
    """Every review decision (who, what, when), oldest first, as CSV."""
    body = await service.history_csv(db, survey_id)
    name = "botsieve-reviews-" + re.sub(r"[^A-Za-z0-9_.-]", "_", survey_id or "all") + ".csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
