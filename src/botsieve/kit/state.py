"""What the app builds at start-up and every request can reach: ``request.app.state.botsieve``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from botsieve.auth.service import KeyVerifier
from botsieve.dashboard.rollups import CounterBuffer
from botsieve.kit.authgate import Lockouts
from botsieve.kit.ratelimit import RateLimiter
from botsieve.kit.rawdb import RawDatabase
from botsieve.kit.settings import Settings

Notify = Callable[[str, dict[str, Any]], None]


def _nobody_listens(event: str, payload: dict[str, Any]) -> None:
    return None


@dataclass
class AppState:
    settings: Settings
    db_engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    # The driver itself, for the ingestion hot path (kit/rawdb.py).
    raw_db: RawDatabase
    limiter: RateLimiter
    keys: KeyVerifier
    counters: CounterBuffer
    model: Any
    redis: Redis | None = None
    demo_publishable_key: str | None = None
    # (session id, the visitor id of the browser asking) -> the result, if that browser made it.
    demo_result: Callable[[str, str], Awaitable[dict[str, Any] | None]] | None = None
    # Tells live listeners (dashboard sockets) what changed: session_updated, analysis_complete.
    # Must not block: the realtime domain replaces it with a queue that delivers in the
    # background, and coalesces bursts.
    notify: Notify = _nobody_listens
    extras: dict[str, Any] = field(default_factory=dict)
    # Addresses over the failed-authentication limit, refused by kit/authgate.py's gate.
    lockouts: Lockouts = field(default_factory=Lockouts)
