from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from botsieve.auth.schemas import KeyKind
from botsieve.kit.text import StorableText

RiskLevel = Literal["low", "medium", "high", "critical"]


def _high_and_critical() -> list[RiskLevel]:
    return ["high", "critical"]


class Thresholds(BaseModel):
    # What is excluded as a bot is the decision rule's (botsieve.decisions), not a setting here.
    # Verdicts at these risk levels raise a live alert.
    alert_risk_levels: list[RiskLevel] = Field(default_factory=_high_and_critical)


class Retention(BaseModel):
    # Days an expired session's data is kept before the purge deletes it.
    retention_days: float = Field(default=90.0, gt=0, le=3650)


class Alerts(BaseModel):
    toast_high_risk: bool = True
    sound: bool = False


class DashboardSettingsDoc(BaseModel):
    thresholds: Thresholds = Field(default_factory=Thresholds)
    retention: Retention = Field(default_factory=Retention)
    alerts: Alerts = Field(default_factory=Alerts)
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


class DashboardSettingsUpdate(BaseModel):
    """Any of the groups; a group given replaces the saved one."""

    thresholds: Thresholds | None = None
    retention: Retention | None = None
    alerts: Alerts | None = None


class KeyCreate(BaseModel):
    name: StorableText = Field(min_length=1, max_length=100)
    kind: KeyKind = "publishable"
    allowed_origins: list[StorableText] = Field(default_factory=list, max_length=50)
