"""/api/v1/detection/sessions/{id}/analyze, /complete and /results."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from botsieve.analysis import service
from botsieve.analysis.schemas import AnalysisOut
from botsieve.auth.deps import SecretKey
from botsieve.kit.deps import DbDep, StateDep
from botsieve.kit.errors import NotFound
from botsieve.sessions.service import get_session

router = APIRouter(prefix="/detection", tags=["detection"])


@router.post("/sessions/{session_id}/analyze", response_model=AnalysisOut)
async def analyze(session_id: uuid.UUID, _: SecretKey, state: StateDep, db: DbDep) -> AnalysisOut:
    """Run the detection engine on the session's events; the result is stored and returned."""
    result = await service.analyze_session(db, state.model, state.counters, session_id)
    state.notify("analysis_complete", service.announcement(result))
    return result


@router.post("/sessions/{session_id}/complete", response_model=AnalysisOut)
async def complete(session_id: uuid.UUID, _: SecretKey, state: StateDep, db: DbDep) -> AnalysisOut:
    """Mark the session done (the respondent finished) and analyse it."""
    result = await service.complete_session(db, state.model, state.counters, session_id)
    state.notify("analysis_complete", service.announcement(result))
    return result


@router.get("/sessions/{session_id}/result", response_model=AnalysisOut)
async def latest_result(
    session_id: uuid.UUID, _: SecretKey, db: DbDep, state: StateDep
) -> AnalysisOut:
    """The latest stored result, without running the engine again."""
    await get_session(db, session_id)
    result = await service.latest_result(db, session_id, state.model.threshold)
    if result is None:
        raise NotFound(f"Session {session_id} has not been analysed yet.")
    return result
