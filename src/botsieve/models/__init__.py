"""Every table, imported here so that Alembic and the tests see the whole schema."""

from botsieve.models.base import Base
from botsieve.models.decisions import DecisionRule, ModelBasis, ReviewEvent
from botsieve.models.events import BehaviorData, EventBatch
from botsieve.models.integrations import (
    Integration,
    OutboxJob,
    RefusedPost,
    ScoredResponse,
    SessionBinding,
    Webhook,
)
from botsieve.models.keys import ApiKey, IdempotencyRecord
from botsieve.models.leases import PeriodicLease
from botsieve.models.privacy import DeletionRecord
from botsieve.models.results import DetectionResult
from botsieve.models.rollups import HourlyRollup
from botsieve.models.sessions import Session
from botsieve.models.users import DashboardSetting, User

__all__ = [
    "ApiKey",
    "Base",
    "BehaviorData",
    "DashboardSetting",
    "DecisionRule",
    "DeletionRecord",
    "DetectionResult",
    "EventBatch",
    "HourlyRollup",
    "IdempotencyRecord",
    "Integration",
    "ModelBasis",
    "OutboxJob",
    "PeriodicLease",
    "RefusedPost",
    "ReviewEvent",
    "ScoredResponse",
    "Session",
    "SessionBinding",
    "User",
    "Webhook",
]
