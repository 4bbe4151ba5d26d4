from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from botsieve.kit.text import StorableText, storable_json_size
from botsieve.sessions.event_schema import Event

Platform = Literal["qualtrics", "decipher", "web", "other"]
BatchId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]
MAX_METADATA_BYTES = 4_096
MAX_ENVIRONMENT_BYTES = 32_768


class SessionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "platform": "qualtrics",
                    "survey_id": "SV_3kXyZ",
                    "respondent_id": "R_1a2b3c",
                    "metadata": {"panel": "A"},
                    "environment": {"webdriver": False, "languages": ["en-US"]},
                }
            ]
        },
    )

    platform: Platform = "web"
    survey_id: Annotated[StorableText, StringConstraints(min_length=1, max_length=128)]
    respondent_id: (
        Annotated[StorableText, StringConstraints(min_length=1, max_length=128)] | None
    ) = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    environment: dict[str, Any] = Field(default_factory=dict)

    @field_validator("metadata")
    @classmethod
    def _small_metadata(cls, value: dict[str, Any]) -> dict[str, Any]:
        if storable_json_size(value) > MAX_METADATA_BYTES:
            raise ValueError(f"metadata is over {MAX_METADATA_BYTES} bytes")
        return value

    @field_validator("environment")
    @classmethod
    def _small_environment(cls, value: dict[str, Any]) -> dict[str, Any]:
        if storable_json_size(value) > MAX_ENVIRONMENT_BYTES:
            raise ValueError(f"environment is over {MAX_ENVIRONMENT_BYTES} bytes")
        return value

    @field_validator("environment")
    @classmethod
    def _timer_resolution(cls, value: dict[str, Any]) -> dict[str, Any]:
        # The detectors read timing finer than this step as the clock's rounding: a value
        # that is no step at all must not reach them. Like every signal, it may be an error.
        step = value.get("timerResolution")
        if step is None or (isinstance(step, dict) and isinstance(step.get("error"), str)):
            return value
        if isinstance(step, bool) or not isinstance(step, int | float):
            raise ValueError("environment.timerResolution must be a number of milliseconds")
        if not (math.isfinite(step) and step > 0):
            raise ValueError("environment.timerResolution must be above 0 ms")
        return value


class SessionCreated(BaseModel):
    session_id: uuid.UUID
    token: str = Field(description="Send as X-Session-Token (or 'token' in a beacon body).")
    expires_at: dt.datetime
    status: str


class EventBatchIn(BaseModel):
    """A batch of events. A beacon body also carries ``key`` and ``token``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "batch_id": "b-000017",
                    "events": [
                        {"type": "mousemove", "t": 1532.4, "trusted": True, "x": 412, "y": 230},
                        {"type": "keydown", "t": 1610.0, "key": "letter", "pos": 21},
                    ],
                }
            ]
        },
    )

    batch_id: BatchId
    events: Annotated[list[Event], Field(min_length=1, max_length=5000)]
    key: str | None = Field(default=None, description="Beacon only: the API key.")
    token: str | None = Field(default=None, description="Beacon only: the session token.")


class EventsAccepted(BaseModel):
    accepted: int
    duplicate: bool
    event_count: int


class Verdict(BaseModel):
    is_bot: bool | None
    bot_probability: float | None
    risk_level: str | None
    analyzed_at: dt.datetime | None


class SessionStatus(BaseModel):
    session_id: uuid.UUID
    status: str
    platform: str
    survey_id: str
    respondent_id: str | None
    is_completed: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime
    event_count: int
    verdict: Verdict
    label: str | None


class Readiness(BaseModel):
    session_id: uuid.UUID
    ready: bool
    event_count: int
    events_by_type: dict[str, int]
    missing: list[str] = Field(description="What is still needed before analysis is useful.")


class DeletedCount(BaseModel):
    sessions_deleted: int
