"""Two instances on one database: a key made anywhere works on every instance from its first
request (never a 401 counted as a failed authentication), while a flood of random keys still
costs no key lookup each: only the shared, spaced reloads of the prefix set."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time

import httpx
import pytest

from botsieve.app import create_app
from botsieve.auth.cors import KeyOriginCORSMiddleware
from botsieve.auth.service import KeyVerifier
from tests.conftest import _key, start_clean

SESSIONS = "/api/v1/dashboard/sessions"
FLOOD = 200  # past redis-py's default pool of 100 connections: they wait (kit/redispool.py)


def _random_key() -> str:
    return "bs_sk_" + secrets.token_hex(20)


def _from(key: str, address: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "X-Forwarded-For": address}


@contextlib.asynccontextmanager
async def _instance(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield app, client


@pytest.fixture
async def two_instances(settings):
    """Instances A and B on the same database, with the shipped key cache (5 s) and a
    failed-authentication limit of 1 a minute, so a single wrongly refused key would show."""
    shipped = settings.model_copy(
        update={
            "key_cache_seconds": 5.0,
            "rate_limit_failed_auth_per_ip": "1/minute",
            "trusted_proxies": ["127.0.0.1/32"],
        }
    )
    async with _instance(shipped) as a, _instance(shipped) as b:
        await start_clean(a[0])
        yield a, b


async def _warm(client: httpx.AsyncClient, address: str) -> None:
    """A random key makes the instance load its prefix set now, so the next key is newer."""
    assert (await client.get(SESSIONS, headers=_from(_random_key(), address))).status_code == 401


async def test_a_key_made_elsewhere_works_on_its_first_request(two_instances):
    (a, client_a), (_, client_b) = two_instances
    await _warm(client_a, "192.0.2.1")
    await _warm(client_b, "192.0.2.2")
    # Made straight in the database, as the CLI or another instance would: neither knows it.
    made_elsewhere = await _key(a, "secret")
    assert (
        await client_a.get(SESSIONS, headers=_from(made_elsewhere, "198.51.100.1"))
    ).status_code == 200
    assert (
        await client_b.get(SESSIONS, headers=_from(made_elsewhere, "198.51.100.2"))
    ).status_code == 200


async def test_a_key_made_through_one_instance_works_on_the_other(two_instances):
    (a, client_a), (_, client_b) = two_instances
    admin = _from(await _key(a, "secret"), "198.51.100.3")
    assert (await client_a.get(SESSIONS, headers=admin)).status_code == 200
    await _warm(client_b, "192.0.2.3")
    made = await client_a.post(
        "/api/v1/keys", json={"name": "new", "kind": "secret"}, headers=admin
    )
    assert made.status_code == 201, made.text
    fresh = made.json()["key"]
    # Concurrent first requests on B: all wait for one reload, none is refused.
    answers = await asyncio.gather(
        *(client_b.get(SESSIONS, headers=_from(fresh, f"198.51.100.{10 + i}")) for i in range(5))
    )
    assert [r.status_code for r in answers] == [200] * 5


async def test_a_flood_of_random_keys_costs_no_lookup_each(two_instances, lookups):
    _, (b, client_b) = two_instances
    await _warm(client_b, "192.0.2.4")
    before = dict(lookups)
    started = time.monotonic()
    answers = await asyncio.gather(
        *(
            client_b.get(SESSIONS, headers=_from(_random_key(), f"10.0.{i // 250}.{i % 250}"))
            for i in range(FLOOD)
        )
    )
    elapsed = time.monotonic() - started
    assert [r.status_code for r in answers] == [401] * FLOOD
    assert lookups["row_by_prefix"] == before["row_by_prefix"]  # no key looked up
    reloads = lookups["active_prefixes"] - before["active_prefixes"]
    # Reloads are spaced by the interval; one may be running when the flood starts.
    interval = b.state.botsieve.keys._prefixes.min_interval
    assert interval == KeyVerifier.PREFIX_RELOAD_SECONDS
    assert 1 <= reloads <= 2 + elapsed / interval
    assert reloads < FLOOD / 4


async def _preflight(client: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await client.options(
        "/api/v1/detection/sessions",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )


async def test_a_new_origin_is_allowed_at_once_on_every_instance(two_instances, lookups):
    (a, client_a), (_, client_b) = two_instances
    await _key(a, "publishable", ["https://old.example"])
    for client in (client_a, client_b):  # both now hold the origins, believed for 5 s
        assert (
            "access-control-allow-origin"
            in (await _preflight(client, "https://old.example")).headers
        )
    await _key(a, "publishable", ["https://new.example"])  # as the CLI would: neither knows
    for client in (client_a, client_b):
        allowed = await _preflight(client, "https://NEW.example")
        assert allowed.status_code == 204
        assert allowed.headers["access-control-allow-origin"] == "https://NEW.example"
    # Origins no key allows are still refused, and a flood of them shares its reloads.
    before = lookups["active_origins"]
    started = time.monotonic()
    refused = await asyncio.gather(
        *(_preflight(client_b, f"https://guess-{i}.example") for i in range(50))
    )
    elapsed = time.monotonic() - started
    assert all("access-control-allow-origin" not in r.headers for r in refused)
    reloads = lookups["active_origins"] - before
    assert 1 <= reloads <= 2 + elapsed / KeyOriginCORSMiddleware.RELOAD_SECONDS
    assert reloads < 50 / 4
