"""The demo survey: served in development with its own publishable key, off otherwise."""

from __future__ import annotations

import json
import re

import pytest

from botsieve.app import _enable_demo, create_app
from tests.factories import mouse_path


@pytest.fixture
async def demo_client(settings):
    import httpx

    from tests.conftest import start_clean

    app = create_app(settings.model_copy(update={"demo_enabled": True, "cookie_secure": False}))
    async with app.router.lifespan_context(app):
        await start_clean(app)
        await _enable_demo(app.state.botsieve)  # the clean-up removed the key it had made
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
            yield app, c


async def test_demo_is_off_outside_development(client):
    assert (await client.get("/demo/consent")).status_code == 404
    assert (await client.get("/demo/static/demo.js")).status_code == 404


async def test_demo_pages_carry_a_working_publishable_key(demo_client):
    _, client = demo_client
    page = await client.get("/demo/consent")
    assert page.status_code == 200
    config = json.loads(
        re.search(r"<script[^>]*application/json[^>]*>(.*?)</script>", page.text, re.S).group(1)
    )
    assert config["key"].startswith("bs_pk_")
    headers = {"Authorization": f"Bearer {config['key']}", "Origin": "http://127.0.0.1:8000"}
    body = {"survey_id": "demo", "metadata": {"visitor": config["visitor"]}}
    created = await client.post("/api/v1/detection/sessions", json=body, headers=headers)
    assert created.status_code == 201
    session = created.json()
    sent = await client.post(
        f"/api/v1/detection/sessions/{session['session_id']}/events",
        json={"batch_id": "d1", "events": mouse_path(40)},
        headers={**headers, "X-Session-Token": session["token"]},
    )
    assert sent.status_code == 202
    result = await client.get(f"/demo/result?session={session['session_id']}")
    assert result.status_code == 200
    assert "data-verdict=" in result.text
    assert session["session_id"] in result.text


async def _demo_session(client, visitor: str | None, key: str | None = None) -> str:
    page = await client.get("/demo/consent")
    config = json.loads(
        re.search(r"<script[^>]*application/json[^>]*>(.*?)</script>", page.text, re.S).group(1)
    )
    headers = {"Authorization": f"Bearer {key or config['key']}", "Origin": "http://127.0.0.1:8000"}
    body = {"survey_id": "demo", "metadata": {"visitor": visitor or config["visitor"]}}
    created = await client.post("/api/v1/detection/sessions", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["session_id"])


async def test_only_the_browser_that_made_a_demo_session_sees_its_result(demo_client):
    _, client = demo_client
    sid = await _demo_session(client, None)
    assert (await client.get(f"/demo/result?session={sid}")).status_code == 200
    client.cookies.clear()
    assert (await client.get(f"/demo/result?session={sid}")).status_code == 404
    client.cookies.set("botsieve_demo_visitor", "A" * 32, domain="127.0.0.1", path="/demo")
    assert (await client.get(f"/demo/result?session={sid}")).status_code == 404


async def test_the_demo_shows_no_other_survey_s_session(demo_client, admin):
    _, client = demo_client
    await client.get("/demo/consent")
    visitor = next(iter(client.cookies.jar)).value
    # A real survey's session, even one claiming this browser's visitor id, is not shown.
    body = {"survey_id": "SV_real", "metadata": {"visitor": visitor}}
    made = await client.post("/api/v1/detection/sessions", json=body, headers=admin)
    assert made.status_code == 201
    result = await client.get(f"/demo/result?session={made.json()['session_id']}")
    assert result.status_code == 404


async def test_unknown_demo_pages_and_files_are_404(demo_client):
    _, client = demo_client
    assert (await client.get("/demo/nothing")).status_code == 404
    assert (await client.get("/demo/static/secret.txt")).status_code == 404
    assert (await client.get("/demo/result?session=not-a-session")).status_code == 404


async def test_demo_result_escapes_what_it_shows():
    from botsieve.demo.endpoints import render_result

    html = render_result(
        {
            "is_bot": True,
            "bot_probability": 0.9,
            "risk_level": "high",
            "analysis_summary": "<script>alert(1)</script>",
            "method_scores": {
                "env": {
                    "score": 1,
                    "weight": 1,
                    "reasons": [
                        {"code": "ua", "text": "<img src=x onerror=alert(1)>", "value": "<b>"}
                    ],
                }
            },
        }
    )
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
