"""Survey-platform integrations: their configuration, scored responses, outbox and webhooks."""

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
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from botsieve.kit.encryption import EncryptedText
from botsieve.models.base import Base, BigId, JSONType, UTCDateTime, new_id, utcnow


class Integration(Base):
    """One survey on one platform (or a generic inbound source), with its credentials."""

    __tablename__ = "integrations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    platform: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    survey_id: Mapped[str] = mapped_column(String(128))
    # SHA-256 of the bearer / body token; the previous one stays valid for a grace period.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    previous_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    previous_token_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # SHA-256 of the unguessable path segment that inbound events are posted to.
    hook_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Encrypted, not hashed: HMACs can only be checked, and platform APIs only called, with the
    # secret itself (kit/encryption.py).
    shared_key: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    previous_shared_key: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    api_token: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    base_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_event_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ScoredResponse(Base):
    """A platform's response (Qualtrics ResponseID, Decipher uuid): its verdict and quality."""

    __tablename__ = "integration_responses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    integration_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("integrations.id", ondelete="CASCADE")
    )
    response_id: Mapped[str] = mapped_column(String(128))
    session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    status: Mapped[str] = mapped_column(String(24))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    verdict: Mapped[str] = mapped_column(String(16))
    risk: Mapped[str] = mapped_column(String(16))
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    model_version: Mapped[str] = mapped_column(String(64), default="")
    # Response quality, kept apart from the bot probability.
    quality_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    quality_flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # What later respondents are compared with: duration, item answers, open-answer hashes.
    quality_features: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the verdict last changed (a provisional one rescored); written back again if later
    # than ``written_back_at``.
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    written_back_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint("integration_id", "response_id"),
        Index("ix_integration_responses_integration_id", "integration_id", "id"),
    )


class OutboxJob(Base):
    """Work that calls out (platform APIs, customer webhooks), retried until it succeeds.

    ``dedupe_key`` is unique: a replayed event or duplicate delivery finds its job already here.
    Webhook jobs double as the delivery log.
    """

    __tablename__ = "integration_outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    integration_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("integrations.id", ondelete="CASCADE"), nullable=True
    )
    endpoint_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_integration_outbox_due", "status", "next_attempt_at"),
        Index("ix_integration_outbox_endpoint", "endpoint_id", "id"),
    )


class Webhook(Base):
    """A customer URL that receives our signed events; two secrets are valid during rotation."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(JSONType, default=list)
    secret: Mapped[str] = mapped_column(EncryptedText())
    previous_secret: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    previous_secret_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SessionBinding(Base):
    """A collector session vouches for one response of one survey: the first that presented it.

    The primary key is the session, so two responses racing for one session end with one
    binding; every other response presenting it is told ``session_reused``.
    """

    __tablename__ = "integration_session_bindings"

    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    integration_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("integrations.id", ondelete="CASCADE")
    )
    response_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RefusedPost(Base):
    """A platform call or event post that was refused: when and why, never its body."""

    __tablename__ = "integration_refusals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    integration_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("integrations.id", ondelete="CASCADE")
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_code: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))

    __table_args__ = (Index("ix_integration_refusals_integration_at", "integration_id", "at"),)
