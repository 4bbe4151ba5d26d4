from __future__ import annotations

import asyncio
import datetime as dt

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from botsieve.kit.db import transaction
from botsieve.maintenance import partitions
from botsieve.models.base import utcnow
from botsieve.privacy import service as privacy
from botsieve.settings_store.service import saved_retention_days

log = structlog.get_logger()


async def purge_expired(db: AsyncSession, retention_days: float) -> int:
    """Delete what outlived the retention: expired sessions (with their events and results),
    scored platform responses and outbox jobs; return how many sessions went."""
    cutoff = utcnow() - dt.timedelta(days=retention_days)
    # Whole periods of events first, where they are partitioned: the cascade then finds none.
    await partitions.drop_expired(db, cutoff)
    counts = await privacy.delete_older_than(db, cutoff)
    return counts["sessions"]


async def retention_in_force(db: AsyncSession, configured_days: float) -> float:
    """What the dashboard saved wins over the configured default."""
    return await saved_retention_days(db) or configured_days


async def purge_once(maker: async_sessionmaker[AsyncSession], retention_days: float) -> int:
    """One purge with the retention in force; how many sessions it deleted."""
    async with transaction(maker) as db:
        days = await retention_in_force(db, retention_days)
        deleted = await purge_expired(db, days)
    if deleted:
        log.info("purged_expired_sessions", deleted=deleted)
    return deleted


async def purge_forever(
    maker: async_sessionmaker[AsyncSession], retention_days: float, interval: float
) -> None:
    """Run the purge every ``interval`` seconds until cancelled. Errors are logged, not fatal."""
    while True:
        try:
            async with transaction(maker) as db:
                days = await retention_in_force(db, retention_days)
                deleted = await purge_expired(db, days)
            if deleted:
                log.info("purged_expired_sessions", deleted=deleted)
        except Exception as exc:
            log.warning("purge_failed", error=repr(exc))
        await asyncio.sleep(interval)
