from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel


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
