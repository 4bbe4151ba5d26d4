"""Concurrent requests that miss the same remembered value share one lookup.

Two hundred platform calls arriving together all find their integration's token and the
survey's rule not yet remembered; on PostgreSQL each lookup gives up the event loop, so every
one of them looked both up through the ORM (3 ms of CPU per call instead of 0.7 with the cache
warm; ``python -m bench.integrations_burst --db postgresql``). Here the first miss looks up and
the others wait for its answer, an error included.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class SingleFlight:
    """One per event loop (the app's state holds it): its lookups are that loop's tasks."""

    def __init__(self) -> None:
        self._flights: dict[Hashable, asyncio.Future[Any]] = {}

    async def run(self, key: Hashable, lookup: Callable[[], Awaitable[T]]) -> T:
        flight = self._flights.get(key)
        if flight is None:
            flight = self._flights[key] = asyncio.ensure_future(lookup())
            flight.add_done_callback(lambda _: self._flights.pop(key, None))
        # Shielded: a caller that hangs up does not cancel the lookup the others wait for.
        result: T = await asyncio.shield(flight)
        return result


def of(extras: dict[str, Any], name: str) -> SingleFlight:
    """The app's single-flight group called ``name`` (made on first use)."""
    found = extras.get(name)
    if not isinstance(found, SingleFlight):
        found = extras[name] = SingleFlight()
    return found


async def shared(
    extras: dict[str, Any],
    name: str,
    key: Hashable,
    lookup: Callable[[], Awaitable[T]],
    *,
    share: bool,
) -> T:
    """``lookup()``, shared with the concurrent callers of ``key`` in the group ``name`` when
    ``share`` (when its answer is remembered afterwards: with nothing remembered, each caller
    must look up for itself anyway)."""
    if not share:
        return await lookup()
    return await of(extras, name).run(key, lookup)


async def remembered_or_shared(
    extras: dict[str, Any],
    name: str,
    key: Hashable,
    remembered: T | None,
    lookup: Callable[[], Awaitable[T]],
    *,
    share: bool,
) -> T:
    """``remembered`` if this process has it, else :func:`shared` ``lookup()``."""
    if remembered is not None:
        return remembered
    return await shared(extras, name, key, lookup, share=share)
