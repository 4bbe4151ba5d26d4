from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field


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
    is_bot: bool
    verdict: Literal["bot", "human", "insufficient_evidence"] = Field(
        description="bot; human; or insufficient_evidence when too little behaviour was "
        "recorded to judge (never read as human: see missing_evidence)."
    )
    missing_evidence: list[str] = Field(
        default_factory=list,
        description="What was missing, when the verdict is insufficient_evidence.",
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
