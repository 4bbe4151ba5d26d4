"""The decision rule a survey's verdicts are read with: exclude, send to review, or keep."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from botsieve.models.base import Base, UTCDateTime, utcnow

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
