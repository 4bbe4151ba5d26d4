"""Expired sessions are purged with their events and results after the retention."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select, update

from botsieve.kit.db import transaction
from botsieve.maintenance.service import purge_expired
from botsieve.models import BehaviorData, DetectionResult, Session
from botsieve.models.base import utcnow
from tests.factories import mouse_path, new_session, send_events


async def test_purge_deletes_only_sessions_past_retention(client, app, admin):
    old = await new_session(client, admin)
    recent = await new_session(client, admin)
    for s in (old, recent):
        await send_events(client, admin, s, mouse_path(30))
        await client.post(f"/api/v1/detection/sessions/{s['session_id']}/analyze", headers=admin)
    maker = app.state.botsieve.sessionmaker
    async with transaction(maker) as db:
        await db.execute(
            update(Session)
            .where(Session.id == uuid.UUID(old["session_id"]))
            .values(expires_at=utcnow() - dt.timedelta(days=31))
        )
    async with transaction(maker) as db:
        assert await purge_expired(db, retention_days=30) == 1
    async with transaction(maker) as db:
        assert await db.scalar(select(func.count()).select_from(Session)) == 1
        rows = await db.scalar(
            select(func.count())
            .select_from(BehaviorData)
            .where(BehaviorData.session_id == uuid.UUID(old["session_id"]))
        )
        results = await db.scalar(
            select(func.count())
            .select_from(DetectionResult)
            .where(DetectionResult.session_id == uuid.UUID(old["session_id"]))
        )
    assert rows == 0 and results == 0


async def test_a_retention_saved_in_the_dashboard_wins(app):
    from botsieve.maintenance.service import retention_in_force
    from botsieve.settings_store import service as saved
    from botsieve.settings_store.schemas import DashboardSettingsUpdate

    maker = app.state.botsieve.sessionmaker
    async with transaction(maker) as db:
        assert await retention_in_force(db, 30) == 30
        update = DashboardSettingsUpdate.model_validate({"retention": {"retention_days": 7}})
        await saved.save(db, update, by="test")
    async with transaction(maker) as db:
        assert await retention_in_force(db, 30) == 7
