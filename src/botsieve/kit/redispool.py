"""The process's Redis connections: one bounded pool, waited on with a deadline, closed once.

redis-py's default pool refuses a command with ``MaxConnectionsError`` once 100 connections are
in use, which a burst of concurrent requests on one instance reaches (every request asks the
rate limiter), and each refusal was a 500. Here a command past ``redis_max_connections`` waits
for a connection to come back instead.

Every wait is bounded. redis-py's waiting pool times only the wait for a free connection, not
taking its internal lock first, and its sockets wait for ever by default; so the sockets get
``redis_timeout_seconds`` for connecting and for each answer, and callers on the request path
(the rate limiter) put one deadline around the whole command with ``bounded``. Past it the
request is ``ServiceUnavailable`` (503, Retry-After) in the one error shape, never a 500.

The pool is built in the app's lifespan, on the loop that serves requests, and closed there at
shutdown (``Redis.from_pool`` gives the client ownership: closing the client closes the pool).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

from botsieve.kit.errors import ServiceUnavailable
from botsieve.kit.settings import Settings

RETRY_AFTER_SECONDS = 1
T = TypeVar("T")
log = structlog.get_logger("botsieve.redis")


def open_redis(settings: Settings) -> Redis | None:
    """The process's client (owning its pool), or None without ``redis_url``."""
    if not settings.redis_url:
        return None
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        socket_timeout=settings.redis_timeout_seconds,
    )
    return Redis.from_pool(pool)


async def bounded(command: Awaitable[T], seconds: float) -> T:
    """``command``'s result, or ServiceUnavailable if Redis is full, failing or slower than
    ``seconds`` (waiting for a connection included)."""
    try:
        async with asyncio.timeout(seconds):
            return await command
    except (RedisError, TimeoutError) as exc:
        log.warning("redis_unavailable", error=repr(exc))
        raise ServiceUnavailable(
            "Redis is busy or cannot be reached just now; retry shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from exc
