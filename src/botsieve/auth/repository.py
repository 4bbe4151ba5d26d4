from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.models import ApiKey

_keys = ApiKey.__table__


class ApiKeyRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, key: ApiKey) -> ApiKey:
        self.db.add(key)
        await self.db.flush()
        return key

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        return await self.db.scalar(select(ApiKey).where(ApiKey.prefix == prefix))

    async def row_by_prefix(self, prefix: str) -> Row[Any] | None:
        """The key's columns, by Core (works on a plain connection too)."""
        result = await self.db.execute(
            select(_keys).where(_keys.c.prefix == bindparam("prefix")), {"prefix": prefix}
        )
        return result.first()

    async def active_prefixes(self) -> set[str]:
        rows = await self.db.scalars(select(ApiKey.prefix).where(ApiKey.revoked_at.is_(None)))
        return set(rows)

    async def list(self, include_revoked: bool = False) -> list[ApiKey]:
        query = select(ApiKey).order_by(ApiKey.created_at)
        if not include_revoked:
            query = query.where(ApiKey.revoked_at.is_(None))
        return list(await self.db.scalars(query))

    async def revoke(self, key_id: uuid.UUID, when: dt.datetime) -> bool:
        result = await self.db.execute(
            update(ApiKey)
            .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=when)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def active_origins(self) -> set[str]:
        rows = await self.db.scalars(
            select(ApiKey.allowed_origins).where(
                ApiKey.revoked_at.is_(None), ApiKey.kind == "publishable"
            )
        )
        return {origin for origins in rows for origin in (origins or [])}
