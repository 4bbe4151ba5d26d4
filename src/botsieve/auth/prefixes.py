"""Sets about active keys, kept in memory and never older than the question asked of them.

Every instance (and the CLI) may create keys, so a prefix (or a publishable key's origin)
missing from memory may belong to a key made elsewhere a moment ago. Such a member is answered
only after a reload of the set that *started after the question was asked*: a key committed
before its first request is then always found, on whichever instance that request lands.
Reloads are shared and spaced: one runs at a time, at most one per ``min_interval`` seconds,
and every unknown member that arrives meanwhile waits for the next one. A flood of random keys
(or origins) therefore costs one small query per interval in all, not one per request, and
each guess waits up to the interval for its refusal.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from botsieve.auth.repository import ApiKeyRepository
from botsieve.kit.db import transaction

Loader = Callable[[ApiKeyRepository], Awaitable[set[str]]]


class FreshSet:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        load: Loader,
        min_interval: float,
        max_age: float = math.inf,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._load = load
        self.min_interval = min_interval
        # A known member is believed for this long after the reload that found it (revocations).
        self.max_age = max_age
        self._members: set[str] = set()
        # Added here since the running reload began: its query may have missed them.
        self._added_during_reload: set[str] = set()
        # When the last finished reload started (monotonic): it saw every key committed before.
        self._loaded_as_of = -math.inf
        self._finished_at = -math.inf
        self._reloading: asyncio.Task[None] | None = None

    def __contains__(self, member: str) -> bool:
        """From memory only: no database, no waiting."""
        return member in self._members

    def add(self, member: str) -> None:
        """A key made by this process is known here at once."""
        self._members.add(member)
        self._added_during_reload.add(member)

    def mark_stale(self) -> None:
        """A key was revoked here: the next unknown member reloads without waiting its turn."""
        self._finished_at = -math.inf

    def holds(self, member: str) -> bool:
        """Known, and from a reload recent enough to believe (memory only, no waiting)."""
        return member in self._members and time.monotonic() - self._loaded_as_of <= self.max_age

    async def known(self, member: str) -> bool:
        """Whether ``member`` belongs to a key that was active when this was asked."""
        if self.holds(member):
            return True
        await self._reloaded_since(time.monotonic())
        return member in self._members

    async def _reloaded_since(self, asked_at: float) -> None:
        while self._loaded_as_of < asked_at:
            if self._reloading is None:
                self._reloading = asyncio.ensure_future(self._reload())
            # Shielded: a waiter whose client went away must not cancel everyone's reload.
            await asyncio.shield(self._reloading)

    async def _reload(self) -> None:
        try:
            wait = self._finished_at + self.min_interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            started = time.monotonic()
            self._added_during_reload = set()
            async with transaction(self._sessionmaker) as db:
                loaded = await self._load(ApiKeyRepository(db))
            self._members = loaded | self._added_during_reload
            self._loaded_as_of = started
        finally:
            self._finished_at = time.monotonic()
            self._reloading = None


def active_prefixes(
    sessionmaker: async_sessionmaker[AsyncSession], min_interval: float
) -> FreshSet:
    return FreshSet(sessionmaker, lambda keys: keys.active_prefixes(), min_interval)


def active_origins(
    sessionmaker: async_sessionmaker[AsyncSession], min_interval: float, max_age: float
) -> FreshSet:
    """The origins publishable keys allow, lower-case, for CORS preflights."""
    return FreshSet(sessionmaker, lambda keys: keys.active_origins(), min_interval, max_age)
