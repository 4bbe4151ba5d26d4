from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from botsieve.analysis.schemas import AnalysisOut
from botsieve.decisions.rule import Decision
from botsieve.decisions.schemas import RuleOut
from botsieve.sessions.schemas import SessionStatus

# bot and human are the decision rule's exclude and keep; review and insufficient_evidence are
# states of their own.
VerdictFilter = Literal["bot", "human", "review", "insufficient_evidence", "unanalyzed"]
RiskFilter = Literal["low", "medium", "high", "critical"]
# The engine's quality flags (careless answering, never bot evidence), or any / none of them.
QUALITY_FLAGS = ("speeding", "no_interaction", "long_absence", "pasted_text")
FlagFilter = Literal["any", "none", "speeding", "no_interaction", "long_absence", "pasted_text"]
# A researcher's label, or none yet.
LabelFilter = Literal["human", "bot", "unlabelled"]


class Totals(BaseModel):
    sessions: int
    analyzed: int
    bots: int = Field(description="Sessions the decision rule excludes as bots.")
    bot_rate: float = Field(description="bots / analyzed: the exclusion rate.")
    in_review: int = Field(description="Stored sessions in the rule's review band.")
    insufficient_evidence: int = Field(description="Stored sessions the engine abstained on.")
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
    decision: Decision | None
    verdict: str | None
    bot_probability: float | None
    risk_level: str | None
    quality_flags: list[str] = Field(description="The latest analysis's quality flags.")
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


class PlatformResponse(BaseModel):
    """A survey platform's response that this session vouches for (or was presented by)."""

    response_id: str
    platform: str
    integration_name: str
    status: str = Field(description="The verdict's status for that response (ok, provisional, …).")


class SessionDetails(BaseModel):
    session: SessionStatus
    decision: Decision | None
    decision_rule: RuleOut
    environment: dict[str, Any]
    metadata: dict[str, Any]
    events: EventSummary
    results: list[AnalysisOut]
    responses: list[PlatformResponse] = Field(
        default_factory=list,
        description="The platforms' response ids scored with this session, oldest first.",
    )


class SessionEvents(BaseModel):
    """The session's events in columns: per type, per field, one list of values."""

    events: dict[str, dict[str, list[float | int | bool | None]]]
    labels: dict[str, list[str]]


class SurveyRow(BaseModel):
    survey_id: str
    sessions: int
    analyzed: int
    excluded: int
    exclusion_rate: float = Field(description="excluded / analyzed.")
    last_session_at: dt.datetime


class SurveyList(BaseModel):
    items: list[SurveyRow]


class SurveyFigures(BaseModel):
    """One survey, all time, from the stored decisions (as the session list says them)."""

    survey_id: str
    sessions: int
    analyzed: int
    unanalyzed: int
    decisions: dict[Decision, int]
    exclusion_rate: float = Field(description="Excluded / analysed sessions.")
    review: dict[str, int] = Field(
        description="The review queue: pending, confirmed_bot, dismissed."
    )
    quality_flags: dict[str, int] = Field(description="Sessions with each quality flag.")
    with_quality_flags: int = Field(description="Sessions with at least one quality flag.")
    labels: dict[str, int]
    platforms: dict[str, int]
    scored_responses: int = Field(description="Platform responses in the reconciliation download.")
    first_session_at: dt.datetime | None
    last_session_at: dt.datetime | None
    rule: RuleOut
