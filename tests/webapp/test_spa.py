"""The built dashboard at /, with index.html for client routes; the service's paths untouched."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from botsieve.app import create_app
from botsieve.webapp import spa


@pytest.fixture
async def served(settings, tmp_path: Path, monkeypatch):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "index-abc.js").write_text("console.log(1)")
    monkeypatch.setattr(spa, "DIST", dist)
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_client_routes_get_index_html(served):
    for path in ("/", "/sessions", "/sessions/abc?risk=high", "/settings"):
        response = await served.get(path)
        assert response.status_code == 200, path
        assert "id=root" in response.text
        assert response.headers["cache-control"] == "no-cache"


async def test_assets_are_served_and_cached_for_good(served):
    response = await served.get("/assets/index-abc.js")
    assert response.text == "console.log(1)"
    assert "immutable" in response.headers["cache-control"]


async def test_service_paths_are_never_shadowed(served):
    assert (await served.get("/health")).status_code == 200
    assert (await served.get("/openapi.json")).status_code == 200
    assert (await served.get("/docs")).status_code == 200
    missing = await served.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong_method = await served.get("/api/v1/auth/login")
    assert wrong_method.status_code == 405


async def test_no_escape_from_the_dist_folder(served):
    response = await served.get("/assets/../../secret")
    assert response.status_code == 200
    assert "id=root" in response.text  # the fallback, never a file outside dist


async def test_an_unbuilt_dashboard_says_how_to_build_it(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(spa, "DIST", tmp_path / "nowhere")
    application = create_app(settings)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        response = await c.get("/")
    assert response.status_code == 503
    assert "make run" in response.text
