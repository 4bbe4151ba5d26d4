"""Rate limits with the `limits` library: in memory by default, in Redis when configured."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import (
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.aio.strategies import (
    RateLimiter as Strategy,
)

from botsieve.kit.errors import RateLimited

EXACT_UP_TO = 10_000


class RateLimiter:
    def __init__(self, redis_url: str | None = None, *, enabled: bool = True) -> None:
        storage: Storage = (
            RedisStorage(f"async+{redis_url}", implementation="redispy")
            if redis_url
            else MemoryStorage()
        )
        self.enabled = enabled
        # A moving window keeps one timestamp per hit, so it holds its limit exactly (no burst
        # across a window boundary); beyond EXACT_UP_TO hits per window that costs too much
        # memory, and a sliding counter (an estimate) takes over.
        self._exact = MovingWindowRateLimiter(storage)
        self._estimated = SlidingWindowCounterRateLimiter(storage)
        self._items: dict[str, RateLimitItem] = {}

    def _strategy(self, item: RateLimitItem) -> Strategy:
        return self._exact if item.amount <= EXACT_UP_TO else self._estimated

    def _item(self, rule: str) -> RateLimitItem:
        if rule not in self._items:
            self._items[rule] = parse(rule)
        return self._items[rule]

    async def check(self, rule: str, *identifiers: str) -> None:
        """Count one hit against ``rule`` for this identity; raise RateLimited past it."""
        if not self.enabled:
            return
        item = self._item(rule)
        if await self._strategy(item).hit(item, *identifiers):
            return
        await self._refuse(rule, item, *identifiers)

    async def count(self, rule: str, *identifiers: str) -> None:
        """Count one hit (a failure, say) without refusing this one."""
        if self.enabled:
            await self._strategy(self._item(rule)).hit(self._item(rule), *identifiers)

    async def refuse_if_exhausted(self, rule: str, *identifiers: str) -> None:
        """Raise RateLimited if the limit is used up, without counting a hit."""
        if not self.enabled:
            return
        item = self._item(rule)
        if not await self._strategy(item).test(item, *identifiers):
            await self._refuse(rule, item, *identifiers)

    async def _refuse(self, rule: str, item: RateLimitItem, *identifiers: str) -> None:
        stats = await self._strategy(item).get_window_stats(item, *identifiers)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"Rate limit of {rule} exceeded; retry in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
