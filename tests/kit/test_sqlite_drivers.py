"""Both SQLite drivers store and read the same: inline (the default) and aiosqlite."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from botsieve.app import create_app
from botsieve.migrations import upgrade
from tests.conftest import _key
from tests.factories import mouse_path, new_session, send_events


@pytest.mark.parametrize("driver", ["inline", "aiosqlite"])
async def test_sqlite_driver_round_trip(driver, settings, tmp_path):
    url = f"sqlite+{driver}:///{tmp_path / f'{driver}.db'}"
    await asyncio.to_thread(upgrade, url)
    app = create_app(settings.model_copy(update={"database_url": url}))
    async with app.router.lifespan_context(app):
        key = await _key(app, "secret")
        headers = {"Authorization": f"Bearer {key}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            session = await new_session(client, headers)
            assert (await send_events(client, headers, session, mouse_path(50))).status_code == 202
            result = await client.post(
                f"/api/v1/detection/sessions/{session['session_id']}/analyze", headers=headers
            )
            assert result.json()["event_count"] == 50
        async with app.state.botsieve.db_engine.connect() as conn:
            mode = await conn.exec_driver_sql("PRAGMA journal_mode")
            assert mode.scalar() == "wal"
