"""What the app builds at start-up and every request can reach: ``request.app.state.botsieve``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from botsieve.auth.service import KeyVerifier
from botsieve.dashboard.rollups import CounterBuffer
from botsieve.kit.ratelimit import RateLimiter
from botsieve.kit.settings import Settings


@dataclass
class AppState:
    settings: Settings
    db_engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    limiter: RateLimiter
    keys: KeyVerifier
    counters: CounterBuffer
    model: Any
    redis: Redis | None = None
    demo_publishable_key: str | None = None
    demo_result: Callable[[str], Awaitable[dict[str, Any] | None]] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
