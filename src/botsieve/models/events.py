"""Events as the service stores them: by batch and type, in compressed columns."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from botsieve.models.base import Base, BigId, UTCDateTime, utcnow


class EventBatch(Base):
    """One acknowledged batch; its primary key makes a retried batch a no-op."""

    __tablename__ = "event_batches"

    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_count: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BehaviorData(Base):
    """The events of one type from one batch (``codec`` describes ``data``)."""

    __tablename__ = "behavior_data"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sessions.id", ondelete="CASCADE")
    )
    event_type: Mapped[str] = mapped_column(String(24))
    # Time of the first event in the row, ms since the collector started.
    timestamp: Mapped[float] = mapped_column(Float)
    event_count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_behavior_data_session_id", "session_id", "id"),)
