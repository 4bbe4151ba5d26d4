"""Rate limits per key and per client IP: 429 with Retry-After, in memory or in Redis."""

from __future__ import annotations

import pytest

from botsieve.app import create_app
from tests.conftest import SURVEY_ORIGIN, _key, start_clean
from tests.factories import SESSION_BODY


@pytest.fixture
async def strict_client(settings):
    import httpx

    tight = settings.model_copy(
        update={
            "rate_limit_publishable_per_ip": "3/minute",
            "rate_limit_secret_per_key": "4/minute",
        }
    )
    app = create_app(tight)
    async with app.router.lifespan_context(app):
        await start_clean(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield app, client


async def test_publishable_key_is_limited_per_ip(strict_client):
    app, client = strict_client
    key = await _key(app, "publishable", [SURVEY_ORIGIN])
    headers = {"Authorization": f"Bearer {key}", "Origin": SURVEY_ORIGIN}
    codes = [
        (await client.post("/api/v1/detection/sessions", json=SESSION_BODY, headers=headers))
        for _ in range(4)
    ]
    assert [r.status_code for r in codes] == [201, 201, 201, 429]
    limited = codes[-1]
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"


async def test_secret_key_is_limited_per_key(strict_client):
    app, client = strict_client
    key = await _key(app, "secret")
    headers = {"Authorization": f"Bearer {key}"}
    codes = [
        (await client.get("/api/v1/dashboard/sessions", headers=headers)).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    other = await _key(app, "secret")
    response = await client.get(
        "/api/v1/dashboard/sessions", headers={"Authorization": f"Bearer {other}"}
    )
    assert response.status_code == 200
