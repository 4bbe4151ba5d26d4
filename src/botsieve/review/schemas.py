from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field

Label = Literal["human", "bot"]


class LabelIn(BaseModel):
    label: Label | None  # null clears it


class LabelOut(BaseModel):
    session_id: uuid.UUID
    label: Label | None


ReviewState = Literal["pending", "confirmed_bot", "dismissed"]
QueueFilter = Literal["pending", "confirmed_bot", "dismissed", "all"]


class ReviewIn(BaseModel):
    session_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
    state: ReviewState = Field(
        description="confirmed_bot excludes the sessions, dismissed keeps them as people, "
        "pending undoes the review (the decision rule applies again)."
    )
    note: str | None = Field(default=None, max_length=1000)


class ReviewItem(BaseModel):
    session_id: uuid.UUID
    created_at: dt.datetime
    survey_id: str
    respondent_id: str | None
    bot_probability: float | None
    risk_level: str | None
    verdict: str | None
    decision: str | None
    review_state: ReviewState
    reviewed_by: str | None
    reviewed_at: dt.datetime | None


class ReviewPage(BaseModel):
    items: list[ReviewItem]
    next_cursor: str | None
    counts: dict[ReviewState, int]


class Reviewed(BaseModel):
    updated: int
    state: ReviewState
    decided_by: str
    decided_at: dt.datetime
