from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from botsieve.decisions.rule import Decision


class ReasonOut(BaseModel):
    code: str
    text: str
    value: float | str | bool | None = None


class MethodScoreOut(BaseModel):
    score: float
    weight: float
    reasons: list[ReasonOut]


class AnalysisOut(BaseModel):
    session_id: uuid.UUID
    is_bot: bool = Field(
        description="The survey's decision rule excludes this session as a bot "
        "(decision == 'exclude'); false when the engine had too little evidence."
    )
    decision: Decision = Field(
        description="What the survey's decision rule makes of this result: exclude, review, "
        "keep, or insufficient_evidence (never counted as a person)."
    )
    verdict: str = Field(
        description="The engine's own verdict: bot, human or insufficient_evidence."
    )
    missing_evidence: list[str] = Field(
        default_factory=list, description="What was missing when the engine abstained."
    )
    lines_of_evidence: int = Field(
        0,
        description="Independent lines of evidence that leaned bot-ward; a bot verdict "
        "without proof needs two.",
    )
    bot_probability: float
    confidence_score: float
    risk_level: str
    method_scores: dict[str, MethodScoreOut]
    analysis_summary: str
    quality_flags: list[str]
    model_version: str
    event_count: int
    processing_time_ms: float
    created_at: dt.datetime
