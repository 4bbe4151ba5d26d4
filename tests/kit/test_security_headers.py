"""Security headers outside development: on every response, HSTS in production only."""

from __future__ import annotations

import httpx
import pytest

from botsieve.app import create_app
from tests.conftest import start_clean

PAGES = ["/health", "/api/v1/dashboard/sessions", "/demo/", "/no-such-page", "/openapi.json"]


async def _get(settings, path: str) -> httpx.Response:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await start_clean(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://t") as client:
            return await client.get(path)


@pytest.mark.parametrize("path", PAGES)
async def test_production_sends_every_security_header(settings, path):
    production = settings.model_copy(update={"env": "production"})
    headers = (await _get(production, path)).headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp
    assert "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["strict-transport-security"].startswith("max-age=31536000")


async def test_only_the_docs_may_run_their_inline_start_up_script(settings):
    production = settings.model_copy(update={"env": "production"})
    csp = (await _get(production, "/docs")).headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp and "frame-ancestors 'none'" in csp


async def test_hsts_is_for_production_only(settings):
    headers = (await _get(settings, "/health")).headers  # env "test"
    assert "content-security-policy" in headers
    assert "strict-transport-security" not in headers


async def test_development_can_do_without(settings):
    development = settings.model_copy(update={"env": "development"})
    assert "content-security-policy" not in (await _get(development, "/health")).headers
