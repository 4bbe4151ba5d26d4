"""The service's answers as typed models.

They mirror ``botsieve``'s response schemas (``*/schemas.py``) without importing the service, so
that this package installs alone. Fields the service adds later are ignored, not errors, and
open-ended values (risk levels, statuses) are plain strings so a new one does not break a client.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Platform = Literal["qualtrics", "decipher", "web", "other"]
VerdictFilter = Literal["bot", "human", "unanalyzed"]
RiskFilter = Literal["low", "medium", "high", "critical"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# Sessions and events


class SessionCreated(_Model):
    session_id: uuid.UUID
    token: str
    """The session's write token: the browser sends it as ``X-Session-Token``."""
    expires_at: dt.datetime
    status: str


class EventsAccepted(_Model):
    accepted: int
    duplicate: bool
    """True when this batch id was stored before: the retry was acknowledged, not stored."""
    event_count: int


class Verdict(_Model):
    is_bot: bool | None
    bot_probability: float | None
    risk_level: str | None
    analyzed_at: dt.datetime | None


class SessionStatus(_Model):
    session_id: uuid.UUID
    status: str
    platform: str
    survey_id: str
    respondent_id: str | None
    is_completed: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime
    event_count: int
    verdict: Verdict
    label: str | None


class Readiness(_Model):
    session_id: uuid.UUID
    ready: bool
    event_count: int
    events_by_type: dict[str, int]
    missing: list[str]
    """What is still needed before an analysis is useful."""


class DeletedCount(_Model):
    sessions_deleted: int


# Analysis


class Reason(_Model):
    code: str
    text: str
    value: float | str | bool | None = None


class MethodScore(_Model):
    score: float
    weight: float
    reasons: list[Reason]


class AnalysisResult(_Model):
    session_id: uuid.UUID
    is_bot: bool
    bot_probability: float
    confidence_score: float
    risk_level: str
    method_scores: dict[str, MethodScore]
    analysis_summary: str
    quality_flags: list[str]
    model_version: str
    event_count: int
    processing_time_ms: float
    created_at: dt.datetime


# Dashboard


class Totals(_Model):
    sessions: int
    analyzed: int
    bots: int
    bot_rate: float
    events: int
    events_per_second: float


class SeriesPoint(_Model):
    bucket: dt.datetime
    sessions: int
    analyzed: int
    bots: int
    events: int


class GroupFigures(_Model):
    key: str
    sessions: int
    analyzed: int
    bots: int
    bot_rate: float


class SessionRow(_Model):
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


class Overview(_Model):
    since: dt.datetime
    until: dt.datetime
    granularity: str
    """``hour`` or ``day``: the width of each ``time_series`` bucket."""
    totals: Totals
    risk_distribution: dict[str, int]
    time_series: list[SeriesPoint]
    by_survey: list[GroupFigures]
    by_platform: list[GroupFigures]
    latest_high_risk: list[SessionRow]


class SessionPage(_Model):
    items: list[SessionRow]
    next_cursor: str | None
    """Pass back as ``cursor`` for the next page; None on the last page."""


class EventSummary(_Model):
    total: int
    by_type: dict[str, int]
    first_t: float | None
    last_t: float | None
    duration_ms: float | None
    pages: list[dict[str, Any]]


class SessionDetails(_Model):
    session: SessionStatus
    environment: dict[str, Any]
    metadata: dict[str, Any]
    events: EventSummary
    results: list[AnalysisResult]
    """Every analysis of the session."""


class SessionEvents(_Model):
    """The session's events in columns: per event type, per field, one list of values."""

    events: dict[str, dict[str, list[float | int | bool | None]]]
    labels: dict[str, list[str]]
