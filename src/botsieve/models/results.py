"""Every analysis of a session, kept as a history."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from botsieve.models.base import Base, BigId, JSONType, UTCDateTime, utcnow


class DetectionResult(Base):
    __tablename__ = "detection_results"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sessions.id", ondelete="CASCADE")
    )
    is_bot: Mapped[bool] = mapped_column(Boolean)
    bot_probability: Mapped[float] = mapped_column(Float)
    confidence_score: Mapped[float] = mapped_column(Float)
    risk_level: Mapped[str] = mapped_column(String(16))
    processing_time_ms: Mapped[float] = mapped_column(Float)
    event_count: Mapped[int] = mapped_column(Integer)
    analysis_summary: Mapped[str] = mapped_column(Text)
    method_scores: Mapped[dict[str, Any]] = mapped_column(JSONType)
    quality_flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    features: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    model_version: Mapped[str] = mapped_column(String(64))
    # The engine's verdict and, when it abstains, what evidence was missing.
    verdict: Mapped[str | None] = mapped_column(String(24), nullable=True)
    missing_evidence: Mapped[list[str] | None] = mapped_column(JSONType, nullable=True)
    # Independent lines of evidence that leaned bot-ward (a bot verdict needs two).
    lines_of_evidence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_detection_results_session", "session_id", "id"),)
