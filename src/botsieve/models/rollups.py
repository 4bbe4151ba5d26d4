"""Hourly counters per survey and platform, so the overview never scans every session."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from botsieve.models.base import Base, UTCDateTime


class HourlyRollup(Base):
    __tablename__ = "hourly_rollups"

    bucket: Mapped[dt.datetime] = mapped_column(UTCDateTime(), primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    events: Mapped[int] = mapped_column(Integer, default=0)
    analyzed: Mapped[int] = mapped_column(Integer, default=0)
    bots: Mapped[int] = mapped_column(Integer, default=0)
    risk_low: Mapped[int] = mapped_column(Integer, default=0)
    risk_medium: Mapped[int] = mapped_column(Integer, default=0)
    risk_high: Mapped[int] = mapped_column(Integer, default=0)
    risk_critical: Mapped[int] = mapped_column(Integer, default=0)
