"""Redis connections that wait their turn: a burst of requests queues for a connection.

redis-py's default pool refuses a request with ``MaxConnectionsError`` once 100 connections are
in use, which a burst of concurrent requests on one instance reaches (every request asks the rate
limiter), and that would answer them with a 500. A blocking pool of the same size makes the
101st request wait for a connection to come back instead, up to ``WAIT_SECONDS``.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

MAX_CONNECTIONS = 100
WAIT_SECONDS = 10.0


def waiting_pool(url: str) -> BlockingConnectionPool:
    return BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=WAIT_SECONDS
    )


def waiting_client(url: str) -> Redis:
    """A client that owns its pool (closing the client closes the pool)."""
    return Redis.from_pool(waiting_pool(url))
