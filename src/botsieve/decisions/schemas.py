from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from botsieve.decisions.rule import Decision

RuleSource = Literal["survey", "install", "model"]


class RuleIn(BaseModel):
    threshold: float = Field(ge=0, le=1, description="P(bot) from which a session is excluded.")
    review_from: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="P(bot) from which, below the threshold, a session goes to review.",
    )

    @model_validator(mode="after")
    def _band_below_threshold(self) -> Self:
        if self.review_from is not None and self.review_from >= self.threshold:
            raise ValueError("review_from must be below threshold.")
        return self


class RuleOut(RuleIn):
    survey_id: str | None = Field(description="None for the install's rule.")
    source: RuleSource = Field(
        description="Where the rule in force comes from: the survey's own, the install's, or "
        "the model's calibrated threshold (nothing saved)."
    )
    model_threshold: float
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


class RulesOut(BaseModel):
    install: RuleOut
    surveys: list[RuleOut]


class Saved(BaseModel):
    rule: RuleOut
    relabelled: int = Field(description="Sessions whose decision changed.")


class PreviewIn(RuleIn):
    survey_id: str | None = Field(default=None, min_length=1, max_length=128)


class Change(BaseModel):
    before: Decision
    after: Decision
    sessions: int


class PreviewOut(BaseModel):
    """What saving the rule would do to the sessions it governs (analysed ones)."""

    sessions: int
    before: dict[Decision, int]
    after: dict[Decision, int]
    changes: list[Change]
