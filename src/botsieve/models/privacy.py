"""The audit trail of deletions: what was deleted and when, never what the rows held."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from botsieve.models.base import Base, BigId, JSONType, UTCDateTime, utcnow


class DeletionRecord(Base):
    """One deletion (a respondent's request, a session's, or a retention run).

    ``subject_digest`` is an HMAC of the subject keyed with the installation secret: it answers
    "was this respondent deleted?" for someone who already knows the id, and reveals nothing
    to someone who reads the table.
    """

    __tablename__ = "deletion_audit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(16))  # session | respondent | retention
    subject_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Who asked: an API key's id, a user's id, or "retention".
    requested_by: Mapped[str] = mapped_column(String(64))
    # Rows deleted per table: {"sessions": 1, "integration_responses": 2, ...}.
    counts: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_deletion_audit_created_at", "created_at"),)
