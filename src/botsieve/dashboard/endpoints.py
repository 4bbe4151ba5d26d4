"""/api/v1/dashboard: overview figures, the session list, one session in detail."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator

from botsieve.dashboard import service
from botsieve.dashboard.schemas import (
    FlagFilter,
    LabelFilter,
    Overview,
    RiskFilter,
    SessionDetails,
    SessionEvents,
    SessionPage,
    SurveyFigures,
    SurveyList,
    VerdictFilter,
)
from botsieve.kit.deps import DbDep, StateDep
from botsieve.kit.text import StorableText
from botsieve.sessions.schemas import Platform
from botsieve.users.deps import Viewer

router = APIRouter(prefix="/dashboard", tags=["dashboard"])
ShortText = Annotated[StorableText | None, Query(min_length=1, max_length=128)]
# Years 1 and 9999 with a +-14:00 offset are valid ISO 8601 but leave the datetime range once
# converted to UTC (or moved by a day); filters far from any session are refused instead.
EARLIEST, LATEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def _within_range(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        utc = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("must be a time between the years 1900 and 9000") from None
    if not EARLIEST <= utc <= LATEST:
        raise ValueError("must be a time between the years 1900 and 9000")
    return utc


FilterTime = Annotated[dt.datetime | None, AfterValidator(_within_range)]


@router.get("/overview", response_model=Overview)
async def overview(
    _: Viewer,
    db: DbDep,
    state: StateDep,
    since: FilterTime = None,
    until: FilterTime = None,
    survey_id: ShortText = None,
    platform: Platform | None = None,
) -> Overview:
    """Counts, bot rate, risk distribution and time series (default: the last 7 days)."""
    await state.counters.flush(state.sessionmaker)
    return await service.overview(db, since, until, survey_id, platform)


def list_filters(
    since: FilterTime = None,
    until: FilterTime = None,
    survey_id: ShortText = None,
    platform: Platform | None = None,
    verdict: VerdictFilter | None = None,
    risk: RiskFilter | None = None,
    flag: FlagFilter | None = None,
    label: LabelFilter | None = None,
    q: ShortText = None,
) -> dict[str, Any]:
    """The session list's filters, shared by the list and its export."""
    return {
        "since": since,
        "until": until,
        "survey_id": survey_id,
        "platform": platform,
        "verdict": verdict,
        "risk": risk,
        "flag": flag,
        "label": label,
        "q": q,
    }


ListFilters = Annotated[dict[str, Any], Depends(list_filters)]


@router.get("/sessions", response_model=SessionPage)
async def sessions(
    _: Viewer,
    db: DbDep,
    filters: ListFilters,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SessionPage:
    """Sessions, newest first, filtered; pass ``next_cursor`` back as ``cursor`` for more."""
    return await service.list_sessions(db, filters, cursor, limit)


@router.get("/sessions/export.csv", response_class=StreamingResponse)
async def export_sessions(_: Viewer, db: DbDep, filters: ListFilters) -> StreamingResponse:
    """The session list with the same filters, every row, as CSV (with the decision, the
    engine's verdict, the review state and the quality flags)."""
    # Read it all inside the request's transaction, then stream the text.
    chunks = [chunk async for chunk in service.export_csv(db, filters)]
    return StreamingResponse(
        iter(chunks),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="botsieve-sessions.csv"'},
    )


@router.get("/sessions/{session_id}/details", response_model=SessionDetails)
async def session_details(
    session_id: uuid.UUID, _: Viewer, db: DbDep, state: StateDep
) -> SessionDetails:
    """The session, its decision and the rule behind it, its events, every analysis of it."""
    return await service.details(db, session_id, state.model.threshold)


@router.get("/sessions/{session_id}/events", response_model=SessionEvents)
async def session_events(session_id: uuid.UUID, _: Viewer, db: DbDep) -> SessionEvents:
    """All of the session's events, in columns (for drawing and export)."""
    return await service.events(db, session_id)


@router.get("/surveys", response_model=SurveyList)
async def surveys(_: Viewer, db: DbDep) -> SurveyList:
    """Every survey with sessions (up to 500), most recently active first."""
    return await service.surveys(db)


@router.get("/surveys/{survey_id:path}", response_model=SurveyFigures)
async def survey(
    survey_id: Annotated[StorableText, Path(min_length=1, max_length=128)],
    _: Viewer,
    db: DbDep,
    state: StateDep,
) -> SurveyFigures:
    """One survey, all time: sessions, exclusion rate, decisions, reviews, quality flags, the
    rule in force."""
    return await service.survey(db, survey_id, state.model.threshold)
