"""/api/v1/dashboard/sessions/{id}/label and /reanalyze: analysts review sessions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from botsieve.analysis import service as analysis
from botsieve.analysis.schemas import AnalysisOut
from botsieve.kit.deps import DbDep, StateDep
from botsieve.review import service
from botsieve.review.schemas import LabelIn, LabelOut
from botsieve.users.deps import Analyst

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
