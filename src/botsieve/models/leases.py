"""Turns of periodic work shared by every instance on one database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from botsieve.models.base import Base, UTCDateTime


class PeriodicLease(Base):
    """One row per periodic task: who ran it last, when it is next due, how many turns so far."""

    __tablename__ = "periodic_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
