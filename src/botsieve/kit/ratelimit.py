"""Rate limits with the `limits` library: in memory by default, in Redis when configured."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import (
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.aio.strategies import (
    RateLimiter as Strategy,
)
from redis.asyncio import Redis

from botsieve.kit.errors import RateLimited
from botsieve.kit.redispool import bounded

EXACT_UP_TO = 10_000
T = TypeVar("T")


class RateLimiter:
    def __init__(
        self, redis: Redis | None = None, *, enabled: bool = True, deadline_seconds: float = 5.0
    ) -> None:
        """In memory, or in Redis on ``redis``'s pool (kit/redispool.py), each call bounded by
        ``deadline_seconds`` (a 503 past it)."""
        storage: Storage = MemoryStorage()
        if redis is not None:
            # The pool carries the address; limits only reads the scheme. Its stub types the
            # options too narrowly for a pool.
            pool: Any = redis.connection_pool
            storage = RedisStorage("async+redis://", implementation="redispy", connection_pool=pool)
        self._deadline = deadline_seconds if redis is not None else None
        self.enabled = enabled
        # A moving window keeps one timestamp per hit, so it holds its limit exactly (no burst
        # across a window boundary); beyond EXACT_UP_TO hits per window that costs too much
        # memory, and a sliding counter (an estimate) takes over.
        self._exact = MovingWindowRateLimiter(storage)
        self._estimated = SlidingWindowCounterRateLimiter(storage)
        self._items: dict[str, RateLimitItem] = {}

    async def _ask(self, call: Awaitable[T]) -> T:
        return await call if self._deadline is None else await bounded(call, self._deadline)

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
        if await self._ask(self._strategy(item).hit(item, *identifiers)):
            return
        await self._refuse(rule, item, *identifiers)

    async def count(self, rule: str, *identifiers: str) -> None:
        """Count one hit (a failure, say) without refusing this one."""
        if self.enabled:
            item = self._item(rule)
            await self._ask(self._strategy(item).hit(item, *identifiers))

    async def refuse_if_exhausted(self, rule: str, *identifiers: str) -> None:
        """Raise RateLimited if the limit is used up, without counting a hit."""
        if not self.enabled:
            return
        item = self._item(rule)
        if not await self._ask(self._strategy(item).test(item, *identifiers)):
            await self._refuse(rule, item, *identifiers)

    async def _refuse(self, rule: str, item: RateLimitItem, *identifiers: str) -> None:
        stats = await self._ask(self._strategy(item).get_window_stats(item, *identifiers))
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"Rate limit of {rule} exceeded; retry in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
