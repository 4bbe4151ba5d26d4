"""Rate limits with the `limits` library: in memory by default, in Redis when configured."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from botsieve.kit.errors import RateLimited


class RateLimiter:
    def __init__(self, redis_url: str | None = None, *, enabled: bool = True) -> None:
        storage: Storage = (
            RedisStorage(f"async+{redis_url}", implementation="redispy")
            if redis_url
            else MemoryStorage()
        )
        self.enabled = enabled
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._items: dict[str, RateLimitItem] = {}

    def _item(self, rule: str) -> RateLimitItem:
        if rule not in self._items:
            self._items[rule] = parse(rule)
        return self._items[rule]

    async def check(self, rule: str, *identifiers: str) -> None:
        """Count one hit against ``rule`` for this identity; raise RateLimited past it."""
        if not self.enabled:
            return
        item = self._item(rule)
        if await self._limiter.hit(item, *identifiers):
            return
        await self._refuse(rule, item, *identifiers)

    async def count(self, rule: str, *identifiers: str) -> None:
        """Count one hit (a failure, say) without refusing this one."""
        if self.enabled:
            await self._limiter.hit(self._item(rule), *identifiers)

    async def refuse_if_exhausted(self, rule: str, *identifiers: str) -> None:
        """Raise RateLimited if the limit is used up, without counting a hit."""
        if not self.enabled:
            return
        item = self._item(rule)
        if not await self._limiter.test(item, *identifiers):
            await self._refuse(rule, item, *identifiers)

    async def _refuse(self, rule: str, item: RateLimitItem, *identifiers: str) -> None:
        stats = await self._limiter.get_window_stats(item, *identifiers)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"Rate limit of {rule} exceeded; retry in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
