from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel

from botsieve.analysis.schemas import AnalysisOut
from botsieve.sessions.schemas import SessionStatus

VerdictFilter = Literal["bot", "human", "unanalyzed"]
RiskFilter = Literal["low", "medium", "high", "critical"]


class Totals(BaseModel):
    sessions: int
    analyzed: int
    bots: int
    bot_rate: float
    events: int
    events_per_second: float


class SeriesPoint(BaseModel):
    bucket: dt.datetime
    sessions: int
    analyzed: int
    bots: int
    events: int


class GroupFigures(BaseModel):
    key: str
    sessions: int
    analyzed: int
    bots: int
    bot_rate: float


class SessionRow(BaseModel):
    session_id: uuid.UUID
    created_at: dt.datetime
    survey_id: str
    platform: str
    respondent_id: str | None
    status: str
    event_count: int
    is_bot: bool | None
    bot_probability: float | None
    risk_level: str | None
    label: str | None


class Overview(BaseModel):
    since: dt.datetime
    until: dt.datetime
    granularity: Literal["hour", "day"]
    totals: Totals
    risk_distribution: dict[str, int]
    time_series: list[SeriesPoint]
    by_survey: list[GroupFigures]
    by_platform: list[GroupFigures]
    latest_high_risk: list[SessionRow]


class SessionPage(BaseModel):
    items: list[SessionRow]
    next_cursor: str | None


class EventSummary(BaseModel):
    total: int
    by_type: dict[str, int]
    first_t: float | None
    last_t: float | None
    duration_ms: float | None
    pages: list[dict[str, Any]]


class SessionDetails(BaseModel):
    session: SessionStatus
    environment: dict[str, Any]
    metadata: dict[str, Any]
    events: EventSummary
    results: list[AnalysisOut]


class SessionEvents(BaseModel):
    """The session's events in columns: per type, per field, one list of values."""

    events: dict[str, dict[str, list[float | int | bool | None]]]
    labels: dict[str, list[str]]
