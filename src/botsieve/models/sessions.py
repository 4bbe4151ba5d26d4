"""A respondent's visit to one survey: the unit the service analyses."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import text

from botsieve.models.base import Base, JSONType, UTCDateTime, time_ordered_id, utcnow


def _analysed_index(name: str, column: str) -> Index:
    """An index on (column, created_at) of the rows where column is set."""
    where = text(f"{column} IS NOT NULL")
    return Index(name, column, "created_at", postgresql_where=where, sqlite_where=where)


class Session(Base):
    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=time_ordered_id)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="active")
    platform: Mapped[str] = mapped_column(String(16))
    survey_id: Mapped[str] = mapped_column(String(128))
    respondent_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    is_completed: Mapped[bool] = mapped_column(Boolean, default=False)
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("api_keys.id", ondelete="SET NULL"), nullable=True
    )
    session_metadata: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    environment: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    ip_hash: Mapped[str | None] = mapped_column(String(32), nullable=True)
    device_signature: Mapped[str | None] = mapped_column(String(32), nullable=True)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    # Compact summary of the mouse path, compared across sessions to find replays.
    trajectory_signature: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # The session's bent mouse strokes (``engine.strokes``), float16 rows, for finding a
    # stroke library reused by a farm.
    stroke_signatures: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # The latest verdict, kept on the session so lists filter without a join.
    is_bot: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    bot_probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    risk_level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    analyzed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The engine's verdict (bot, human, insufficient_evidence) and what the survey's decision
    # rule makes of it (exclude, review, keep, insufficient_evidence); ``is_bot`` is
    # ``decision == "exclude"``. Rewritten in place when the rule changes.
    verdict: Mapped[str | None] = mapped_column(String(24), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # A researcher's review of a flagged session: confirmed_bot or dismissed (None: not
    # reviewed). It overrides the rule; its history is in review_events.
    review_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The latest analysis's quality flags (careless answering: speeding, no_interaction, ...),
    # space-separated, kept here so the list shows and filters them without a join.
    quality_flags: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A researcher's label (human or bot), used as training data.
    label: Mapped[str | None] = mapped_column(String(8), nullable=True)

    __table_args__ = (
        Index("ix_sessions_created_at_id", "created_at", "id"),
        Index("ix_sessions_survey_created", "survey_id", "created_at"),
        Index("ix_sessions_platform_created", "platform", "created_at"),
        # Set only once a session is analysed: indexing just those rows (partial indexes) spares
        # session creation three index writes; filters on a value (= or IN) still use them.
        _analysed_index("ix_sessions_risk_created", "risk_level"),
        _analysed_index("ix_sessions_is_bot_created", "is_bot"),
        _analysed_index("ix_sessions_decision_created", "decision"),
        Index("ix_sessions_expires_at", "expires_at"),
        Index("ix_sessions_survey_respondent", "survey_id", "respondent_id"),
        Index("ix_sessions_respondent", "respondent_id"),
        Index("ix_sessions_survey_ip", "survey_id", "ip_hash"),
        Index("ix_sessions_survey_device", "survey_id", "device_signature"),
    )
