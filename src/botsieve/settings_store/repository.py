from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.models import DashboardSetting


class SettingsRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def all(self) -> list[DashboardSetting]:
        return list(await self.db.scalars(select(DashboardSetting)))

    async def put(self, name: str, value: dict[str, Any], when: dt.datetime, by: str) -> None:
        row = await self.db.get(DashboardSetting, name)
        if row is None:
            self.db.add(DashboardSetting(name=name, value=value, updated_at=when, updated_by=by))
        else:
            row.value, row.updated_at, row.updated_by = value, when, by
        await self.db.flush()
