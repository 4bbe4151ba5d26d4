"""Wrong API keys: limited per client address, and refused without a database lookup when
their prefix belongs to no key."""

from __future__ import annotations

import asyncio
import secrets
import time

import httpx
import pytest

from botsieve.app import create_app
from botsieve.auth.service import KeyVerifier
from botsieve.kit.ratelimit import RateLimiter
from tests.auth.conftest import count_calls
from tests.conftest import _key, start_clean

SESSIONS = "/api/v1/dashboard/sessions"
ATTACKER = {"X-Forwarded-For": "203.0.113.5"}
RESEARCHER = {"X-Forwarded-For": "198.51.100.7"}


def _random_key() -> dict[str, str]:
    return {"Authorization": "Bearer bs_sk_" + secrets.token_hex(20)}


@pytest.fixture
async def guarded(settings):
    tight = settings.model_copy(
        update={
            "rate_limit_failed_auth_per_ip": "5/minute",
            "key_cache_seconds": 5.0,
            "trusted_proxies": ["127.0.0.1/32"],
        }
    )
    app = create_app(tight)
    async with app.router.lifespan_context(app):
        await start_clean(app)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield app, client


async def test_wrong_keys_are_limited_per_address(guarded):
    app, client = guarded
    good = {"Authorization": f"Bearer {await _key(app, 'secret')}"}
    codes = [
        (await client.get(SESSIONS, headers={**_random_key(), **ATTACKER})).status_code
        for _ in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2
    refused = await client.get(SESSIONS, headers={**_random_key(), **ATTACKER})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"]["code"] == "rate_limited"
    # A valid key from the same address (people behind one NAT) still works: its prefix is known.
    assert (await client.get(SESSIONS, headers={**good, **ATTACKER})).status_code == 200
    # Another address is not held to the attacker's failures.
    assert (await client.get(SESSIONS, headers={**good, **RESEARCHER})).status_code == 200


async def test_a_wrong_key_with_a_known_prefix_is_counted_and_limited(guarded):
    app, client = guarded
    good = await _key(app, "secret")
    near = {"Authorization": f"Bearer {good[:-4]}{'0000' if good[-4:] != '0000' else '1111'}"}
    codes = [
        (await client.get(SESSIONS, headers={**near, **ATTACKER})).status_code for _ in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2
    assert (await client.get(SESSIONS, headers={**near, **RESEARCHER})).status_code == 401


async def test_a_right_key_asks_the_limiter_once(guarded, monkeypatch):
    """Only its own per-key limit: no failed-authentication check (with Redis, a round trip)."""
    app, client = guarded
    good = {"Authorization": f"Bearer {await _key(app, 'secret')}"}
    assert (await client.get(SESSIONS, headers=good)).status_code == 200
    asked = count_calls(monkeypatch, RateLimiter, "check", "count", "refuse_if_exhausted")
    assert (await client.get(SESSIONS, headers={**good, **ATTACKER})).status_code == 200
    assert asked == {"check": 1, "count": 0, "refuse_if_exhausted": 0}


async def test_unknown_prefixes_cost_no_lookup(guarded, lookups):
    app, client = guarded
    good = {"Authorization": f"Bearer {await _key(app, 'secret')}"}
    assert (await client.get(SESSIONS, headers=good)).status_code == 200
    assert lookups == {"row_by_prefix": 1, "active_prefixes": 1, "active_origins": 0}
    started = time.monotonic()
    answers = await asyncio.gather(
        *(
            client.get(SESSIONS, headers={**_random_key(), "X-Forwarded-For": f"192.0.2.{i}"})
            for i in range(20)
        )
    )
    elapsed = time.monotonic() - started
    assert [r.status_code for r in answers] == [401] * 20
    # The random keys were refused from the set of known prefixes, reloaded a few times in all
    # (the reloads are spaced), never looked up one by one.
    assert lookups["row_by_prefix"] == 1
    interval = KeyVerifier.PREFIX_RELOAD_SECONDS
    assert lookups["active_prefixes"] - 1 <= 2 + elapsed / interval


async def test_a_key_made_through_the_api_works_at_once(guarded):
    app, client = guarded
    admin = {"Authorization": f"Bearer {await _key(app, 'secret')}"}
    assert (await client.get(SESSIONS, headers=admin)).status_code == 200
    made = await client.post("/api/v1/keys", json={"name": "new", "kind": "secret"}, headers=admin)
    assert made.status_code == 201, made.text
    fresh = {"Authorization": f"Bearer {made.json()['key']}"}
    assert (await client.get(SESSIONS, headers=fresh)).status_code == 200
