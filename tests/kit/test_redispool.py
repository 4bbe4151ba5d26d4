"""One bounded Redis pool per process: a burst past it waits instead of failing, a pool held
past the deadline is a 503 in the error shape, and shutdown closes it (kit/redispool.py)."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from botsieve.app import create_app
from tests.conftest import _key, start_clean

SESSIONS = "/api/v1/dashboard/sessions"
BURST = 200  # twice redis-py's default pool, every request asking the rate limiter


@contextlib.asynccontextmanager
async def _serving(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await start_clean(app)
        key = await _key(app, "secret")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            client.headers["Authorization"] = f"Bearer {key}"
            yield app, client


@pytest.fixture
def with_redis(settings):
    if not settings.redis_url:
        pytest.skip("needs Redis (BOTSIEVE_TEST_REDIS_URL, with BOTSIEVE_TEST_DATABASE=postgresql)")
    return settings


async def test_a_burst_past_the_pool_waits_instead_of_failing(with_redis):
    async with _serving(with_redis) as (app, client):
        answers = await asyncio.gather(*(client.get(SESSIONS) for _ in range(BURST)))
        pool = app.state.botsieve.redis.connection_pool
        opened = sum(count for count, _ in pool.get_connection_count())
    assert [r.status_code for r in answers] == [200] * BURST
    assert opened <= with_redis.redis_max_connections


async def test_a_pool_held_past_the_deadline_answers_503_in_the_error_shape(with_redis):
    tight = with_redis.model_copy(update={"redis_max_connections": 2, "redis_timeout_seconds": 0.2})
    async with _serving(tight) as (app, client):
        pool = app.state.botsieve.redis.connection_pool
        held = []
        while pool.can_get_connection():
            held.append(await pool.get_connection())
        refused = await client.get(SESSIONS)
        for connection in held:
            await pool.release(connection)
        served = await client.get(SESSIONS)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    error = refused.json()["error"]
    assert error["code"] == "unavailable"
    assert "Redis" in error["message"]
    assert error["request_id"]
    assert served.status_code == 200


async def test_shutdown_closes_the_pool(with_redis):
    async with _serving(with_redis) as (app, client):
        assert (await client.get(SESSIONS)).status_code == 200
        pool = app.state.botsieve.redis.connection_pool
    connections = [*pool._available_connections, *pool._in_use_connections]
    assert connections
    assert not any(connection.is_connected for connection in connections)


@contextlib.asynccontextmanager
async def _silent_redis():
    """A server that takes connections and commands and never answers: a stalled Redis."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield f"redis://127.0.0.1:{server.sockets[0].getsockname()[1]}/0"
    finally:
        server.close()
        for writer in held:
            writer.close()
        await server.wait_closed()


async def test_a_stalled_redis_answers_503_instead_of_hanging(settings):
    """On either database: the rate limiter's command gets no answer, and the request ends in a
    503 that names Redis (not a database outage) within the deadline."""
    async with _silent_redis() as url:
        stalled = settings.model_copy(update={"redis_url": url, "redis_timeout_seconds": 0.2})
        app = create_app(stalled)
        async with app.router.lifespan_context(app):
            key = await _key(app, "secret")
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                answer = await client.get(SESSIONS, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "unavailable"
    assert "Redis" in answer.json()["error"]["message"]
    assert answer.headers["Retry-After"] == "1"
