"""Request and response models of the integrations API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from botsieve.kit.text import StorableText, short_url, storable_json

Platform = Literal["qualtrics", "decipher", "generic"]
Id = Field(min_length=1, max_length=128)
EventType = Literal[
    "result.ready", "session.flagged", "quality.ready", "session.labelled", "session.reviewed"
]
DEFAULT_EVENTS: tuple[EventType, ...] = ("result.ready", "session.flagged")


class IntegrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: Platform
    name: StorableText = Field(min_length=1, max_length=100)
    survey_id: StorableText = Id
    # The platform's API: Qualtrics' datacenter (https://<dc>.qualtrics.com) or Decipher's host.
    base_url: Annotated[HttpUrl, short_url(300)] | None = None
    api_token: StorableText | None = Field(default=None, max_length=200)
    # Qualtrics' subscription sharedKey; made for you when omitted.
    shared_key: StorableText | None = Field(default=None, min_length=16, max_length=200)
    # {"quality": {...QualityConfig...}, "write_back": true}
    config: Annotated[dict[str, Any], storable_json(16_384)] = Field(default_factory=dict)


class IntegrationUpdate(BaseModel):
    """What can be fixed on a configured integration; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: StorableText | None = Field(default=None, min_length=1, max_length=100)
    base_url: Annotated[HttpUrl, short_url(300)] | None = None
    api_token: StorableText | None = Field(default=None, min_length=1, max_length=200)
    # The subscription's sharedKey, when the subscription was re-created with a key of your own.
    shared_key: StorableText | None = Field(default=None, min_length=16, max_length=200)
    config: Annotated[dict[str, Any], storable_json(16_384)] | None = None
    active: bool | None = None


class IntegrationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    platform: str
    name: str
    survey_id: str
    base_url: str | None
    has_api_token: bool
    signed_events: bool
    config: dict[str, Any]
    active: bool
    created_at: dt.datetime
    last_event_at: dt.datetime | None
    last_error: str | None
    # Where the survey sends respondents at the end: append /complete, /screenout, /quality or
    # /auto (config.redirects names the panel's addresses).
    redirect_path: str = ""


class IntegrationSecrets(BaseModel):
    """Shown once, at creation and at rotation."""

    integration: IntegrationOut
    token: str
    event_path: str | None
    shared_key: str | None


class ScoreRequest(BaseModel):
    """What Qualtrics' Web Service element posts (Body Parameters, JSON)."""

    model_config = ConfigDict(extra="ignore")

    survey_id: StorableText = Id
    response_id: StorableText = Id
    session_id: StorableText | None = Field(default=None, max_length=128)


class ScoreReply(BaseModel):
    """Flat fields, one to one onto Embedded Data (Qualtrics) or hidden variables (Decipher)."""

    status: str
    score: str
    verdict: str
    # The survey's decision rule, now: exclude, review (inside the review band), keep,
    # insufficient_evidence, or unknown (no score yet). Branch on this one.
    decision: str = "unknown"
    risk: str
    flags: str
    model_version: str
    response_id: str


class EntryReply(BaseModel):
    """The check at entry: ``decision`` is block, review or pass; the rest as in ScoreReply."""

    decision: Literal["block", "review", "pass"]
    status: str
    score: str
    verdict: str
    risk: str
    flags: str
    response_id: str


class EventEndpointOut(BaseModel):
    ok: bool
    platform: str
    accepts: str


class EventAccepted(BaseModel):
    accepted: bool
    duplicate: bool
    response_id: str


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[HttpUrl, short_url(500)]
    events: list[EventType] = Field(default_factory=lambda: list(DEFAULT_EVENTS), min_length=1)


class WebhookOut(BaseModel):
    id: uuid.UUID
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime
    rotating_until: dt.datetime | None


class WebhookSecret(BaseModel):
    webhook: WebhookOut
    secret: str


class DeliveryOut(BaseModel):
    id: int
    endpoint_id: uuid.UUID | None
    event_id: str
    event_type: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    finished_at: dt.datetime | None


class TestDelivery(BaseModel):
    delivered: bool
    status_code: int | None
    error: str | None
    event_id: str


class Refusal(BaseModel):
    at: dt.datetime
    status_code: int
    reason: str


class WaitingJob(BaseModel):
    """A call out that waits for the integration to be fixed (or was given up)."""

    id: int
    kind: str
    status: str
    response_id: str | None
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime


class RetryOut(BaseModel):
    requeued: int


class IntegrationStatus(BaseModel):
    id: uuid.UUID
    platform: str
    name: str
    survey_id: str
    configured: bool
    missing: list[str]
    last_event_at: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    queue_depth: int
    # Jobs a retry cannot fix, waiting for the integration to be fixed (then retried).
    needs_attention: int = 0
    refused_last_24h: int = 0
    recent_refusals: list[Refusal] = Field(default_factory=list)
    # The latest of those jobs, with why; the retry action makes them due again.
    waiting_jobs: list[WaitingJob] = Field(default_factory=list)
    redirect_path: str = ""


class StatusOut(BaseModel):
    integrations: list[IntegrationStatus]
    webhook_queue_depth: int
