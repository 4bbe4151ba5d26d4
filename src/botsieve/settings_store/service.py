"""Saved dashboard settings: defaults, overlaid by what was saved (groups stored apart)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.models.base import utcnow
from botsieve.settings_store.repository import SettingsRepository
from botsieve.settings_store.schemas import DashboardSettingsDoc, DashboardSettingsUpdate

GROUPS = ("thresholds", "retention", "alerts")


async def read(db: AsyncSession) -> DashboardSettingsDoc:
    rows = {r.name: r for r in await SettingsRepository(db).all() if r.name in GROUPS}
    doc = DashboardSettingsDoc.model_validate({name: row.value for name, row in rows.items()})
    if rows:
        latest = max(rows.values(), key=lambda r: r.updated_at)
        doc.updated_at, doc.updated_by = latest.updated_at, latest.updated_by
    return doc


async def save(db: AsyncSession, update: DashboardSettingsUpdate, by: str) -> DashboardSettingsDoc:
    repo = SettingsRepository(db)
    now = utcnow()
    for name in GROUPS:
        group = getattr(update, name)
        if group is not None:
            await repo.put(name, group.model_dump(mode="json"), now, by)
    return await read(db)


async def saved_retention_days(db: AsyncSession) -> float | None:
    """The retention saved in the dashboard, or None when nobody has saved one."""
    for row in await SettingsRepository(db).all():
        if row.name == "retention":
            return float(row.value.get("retention_days", 0)) or None
    return None
