"""The lookup prefixes of active keys, kept in memory and never older than the question.

Every instance (and the CLI) may create keys, so a prefix missing from memory may belong to a
key made elsewhere a moment ago. Such a prefix is answered only after a reload of the set that
*started after the question was asked*: a key committed before its first request is then always
found, on whichever instance that request lands. Reloads are shared and spaced: one runs at a
time, at most one per ``min_interval`` seconds, and every unknown prefix that arrives meanwhile
waits for the next one. A flood of random keys therefore costs one small query per interval in
all, not one per key, and each guess waits up to the interval for its refusal.
"""

from __future__ import annotations

import asyncio
import math
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from botsieve.auth.repository import ApiKeyRepository
from botsieve.kit.db import transaction


class ActivePrefixes:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], min_interval: float) -> None:
        self._sessionmaker = sessionmaker
        self.min_interval = min_interval
        self._prefixes: set[str] = set()
        # Added here since the running reload began: its query may have missed them.
        self._added_during_reload: set[str] = set()
        # When the last finished reload started (monotonic): it saw every key committed before.
        self._loaded_as_of = -math.inf
        self._finished_at = -math.inf
        self._reloading: asyncio.Task[None] | None = None

    def __contains__(self, prefix: str) -> bool:
        """From memory only: no database, no waiting."""
        return prefix in self._prefixes

    def add(self, prefix: str) -> None:
        """A key made by this process is known here at once."""
        self._prefixes.add(prefix)
        self._added_during_reload.add(prefix)

    def mark_stale(self) -> None:
        """A key was revoked here: the next unknown prefix reloads without waiting its turn."""
        self._finished_at = -math.inf

    async def known(self, prefix: str) -> bool:
        """Whether ``prefix`` belongs to a key that was active when this was asked."""
        if prefix in self._prefixes:
            return True
        await self._reloaded_since(time.monotonic())
        return prefix in self._prefixes

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
                loaded = await ApiKeyRepository(db).active_prefixes()
            self._prefixes = loaded | self._added_during_reload
            self._loaded_as_of = started
        finally:
            self._finished_at = time.monotonic()
            self._reloading = None
