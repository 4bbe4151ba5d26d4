"""/api/v1/ws: authenticated like the dashboard API; pushes what changes, as it changes."""

from __future__ import annotations

import asyncio
import os

import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from botsieve.app import create_app
from tests.factories import mouse_path, new_session, send_events
from tests.live_server import READY_CEILING_SECONDS
from tests.realtime.conftest import serving
from tests.users.conftest import https_client, login, make_user


def _connect(url: str, **options):
    """A client whose opening handshake waits as long as a busy machine needs (the library's
    own 10 s limit is a fixed deadline); the ceiling is only against a hang."""
    return connect(url, open_timeout=READY_CEILING_SECONDS, **options)


async def _next_events(ws, wanted: str) -> list[dict]:
    """Frames until one carries an event named ``wanted``; returns that frame's events. The
    ceiling is only against a hang: a busy machine delivers it later, not never."""
    async with asyncio.timeout(READY_CEILING_SECONDS):
        while True:
            frame = orjson.loads(await ws.recv())
            if frame["type"] == "events" and any(e["event"] == wanted for e in frame["events"]):
                return frame["events"]


async def test_a_socket_without_key_or_login_is_refused(app):
    async with serving(app) as host:
        with pytest.raises(InvalidStatus) as refused:
            async with _connect(f"ws://{host}/api/v1/ws"):
                pass
    assert refused.value.response.status_code == 403


async def test_a_publishable_key_is_refused(app, publishable_key):
    async with serving(app) as host:
        with pytest.raises(InvalidStatus):
            headers = {"Authorization": f"Bearer {publishable_key}"}
            async with _connect(f"ws://{host}/api/v1/ws", additional_headers=headers):
                pass


async def test_a_secret_key_socket_hears_new_events_and_verdicts(app, client, admin):
    async with (
        serving(app) as host,
        _connect(f"ws://{host}/api/v1/ws", additional_headers=admin) as ws,
    ):
        hello = orjson.loads(await ws.recv())
        assert hello == {"type": "hello", "role": "admin"}
        session = await new_session(client, admin)
        await send_events(client, admin, session, mouse_path(40))
        events = await _next_events(ws, "session_updated")
        updates = [e["data"] for e in events if e["event"] == "session_updated"]
        assert updates[-1]["session_id"] == session["session_id"]
        await client.post(
            f"/api/v1/detection/sessions/{session['session_id']}/analyze", headers=admin
        )
        events = await _next_events(ws, "analysis_complete")
        verdict = next(e["data"] for e in events if e["event"] == "analysis_complete")
        assert verdict["session_id"] == session["session_id"]
        assert verdict["risk_level"] in ("low", "medium", "high", "critical")


async def test_a_logged_in_viewer_connects_from_the_dashboard_origin_only(app):
    await make_user(app, "viewer")
    async with https_client(app) as web:
        await login(web, "viewer@example.org")
        cookie = f"botsieve_session={web.cookies.get('botsieve_session')}"
    async with serving(app) as host:
        same = {"Cookie": cookie, "Origin": f"http://{host}"}
        async with _connect(f"ws://{host}/api/v1/ws", additional_headers=same) as ws:
            assert orjson.loads(await ws.recv())["role"] == "viewer"
            await ws.send("ping")
            assert orjson.loads(await ws.recv()) == {"type": "pong"}
        other = {"Cookie": cookie, "Origin": "https://evil.example"}
        with pytest.raises(InvalidStatus):
            async with _connect(f"ws://{host}/api/v1/ws", additional_headers=other):
                pass


@pytest.mark.skipif(
    not os.environ.get("BOTSIEVE_TEST_REDIS_URL")
    or os.environ.get("BOTSIEVE_TEST_DATABASE") != "postgresql",
    reason="needs Redis: runs in the PostgreSQL+Redis pass (BOTSIEVE_TEST_REDIS_URL)",
)
async def test_with_redis_an_event_on_one_worker_reaches_a_socket_on_another(
    app, client, admin, settings
):
    assert settings.redis_url
    other = create_app(settings)
    async with (
        other.router.lifespan_context(other),
        serving(other) as host,
        _connect(f"ws://{host}/api/v1/ws", additional_headers=admin) as ws,
    ):
        await ws.recv()  # hello
        session = await new_session(client, admin)  # made through the first worker
        events = await _next_events(ws, "session_updated")
        ids = [e["data"]["session_id"] for e in events]
        assert session["session_id"] in ids


async def test_a_socket_closes_after_its_user_signs_out(app, monkeypatch):
    monkeypatch.setattr("botsieve.realtime.endpoints.RECHECK_SECONDS", 0.2)
    await make_user(app, "viewer")
    async with https_client(app) as web, serving(app) as host:
        csrf = await login(web, "viewer@example.org")
        cookie = f"botsieve_session={web.cookies.get('botsieve_session')}"
        headers = {"Cookie": cookie, "Origin": f"http://{host}"}
        async with _connect(f"ws://{host}/api/v1/ws", additional_headers=headers) as ws:
            await ws.recv()  # hello
            await web.post("/api/v1/auth/logout", headers=csrf)
            async with asyncio.timeout(READY_CEILING_SECONDS):  # only against a hang
                await ws.wait_closed()
            assert ws.close_code == 1008
