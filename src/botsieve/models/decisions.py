"""The decision rule a survey's verdicts are read with: exclude, send to review, or keep."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Float, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from botsieve.models.base import Base, BigId, UTCDateTime, utcnow

# The survey id under which the install's own rule is kept (no survey can have it: ids are
# at least one character and the API refuses this one).
INSTALL_RULE = "*"


class DecisionRule(Base):
    __tablename__ = "decision_rules"

    survey_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    # P(bot) from which a session is excluded as a bot.
    threshold: Mapped[float] = mapped_column(Float)
    # P(bot) from which, below the threshold, a session goes to review (None: no review band).
    review_from: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(254), nullable=True)


class ModelBasis(Base):
    """The model threshold the stored decisions that follow the model were made with.

    A retrained model ships a new calibrated threshold; at start-up the service compares it with
    this row and relabels the sessions no survey or install rule governs (one row, "model")."""

    __tablename__ = "decision_basis"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    threshold: Mapped[float] = mapped_column(Float)
    model_version: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewEvent(Base):
    """One review decision on a session, kept as a history: who decided what, and when."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sessions.id", ondelete="CASCADE")
    )
    # confirmed_bot, dismissed, or pending (the review was undone).
    state: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str] = mapped_column(String(254))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_review_events_session", "session_id", "id"),)
