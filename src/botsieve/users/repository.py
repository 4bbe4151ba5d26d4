from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.models import User


class UserRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, user: User) -> User:
        self.db.add(user)
        await self.db.flush()
        return user

    async def by_id(self, user_id: uuid.UUID) -> User | None:
        return await self.db.get(User, user_id)

    async def by_email(self, email: str) -> User | None:
        return await self.db.scalar(select(User).where(User.email == email))

    async def list(self) -> list[User]:
        return list(await self.db.scalars(select(User).order_by(User.created_at, User.email)))

    async def count_active_admins(self) -> int:
        query = select(func.count()).where(User.role == "admin", User.is_active.is_(True))
        return int(await self.db.scalar(query) or 0)

    async def delete(self, user: User) -> None:
        await self.db.delete(user)
        await self.db.flush()
