"""A database that cannot be reached is a 503 with Retry-After, not a 500 per request.

Requests that fail because the database is down (refused or dropped connections, a server
shutting down) get the one error shape with status 503; the log says so once when the outage
starts and once when a request succeeds again, instead of a stack trace per request.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botsieve.kit.errors import error_body
from botsieve.kit.responses import JSON

RETRY_AFTER_SECONDS = 5
log = structlog.get_logger("botsieve.database")


def _outage_types() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        from asyncpg import exceptions as pg

        found += [
            pg.PostgresConnectionError,
            pg.ConnectionDoesNotExistError,
            pg.CannotConnectNowError,
            pg.AdminShutdownError,
            pg.CrashShutdownError,
            pg.TooManyConnectionsError,
        ]
    except ImportError:  # asyncpg is only there for PostgreSQL
        pass
    return tuple(found)


OUTAGE_TYPES = _outage_types()


def is_database_outage(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database could not be reached."""
    seen: set[int] = set()
    pending: list[Any] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OUTAGE_TYPES) or getattr(current, "connection_invalidated", False):
            return True
        if isinstance(current, BaseExceptionGroup):
            pending += list(current.exceptions)
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return False


class OutageLog:
    """Remembers whether the database is down, to log only when that changes.

    Each user of the database keeps its own (``source``: requests, or a background task such as
    the outbox worker or the counter flush), so each says once that it lost the database and
    once that it has it back, however often it tried in between.
    """

    def __init__(self, source: str = "requests") -> None:
        self.source = source
        self.down_since: float | None = None
        self.up_since = float("-inf")

    def failed(self, exc: BaseException, started: float | None = None) -> None:
        """``started``: when the failed work began (``time.monotonic``). Work that began before
        the database came back and fails after (it was connecting while the outage ended) is
        the outage just logged as ended, not a new one: under load such stragglers finish after
        the first success and would log every end of an outage twice."""
        if self.down_since is not None or (started is not None and started < self.up_since):
            return
        self.down_since = time.monotonic()
        log.error("database_unavailable", source=self.source, error=repr(exc)[:300])

    def succeeded(self, started: float | None = None) -> None:
        """``started``: as for ``failed``. Work that began before the outage was noticed and
        succeeds after (its database part done before the cut) says nothing of the database
        now: under load such stragglers answer just after the first failure and would log an
        outage of 0.0 s followed by a second one."""
        if self.down_since is not None and (started is None or started >= self.down_since):
            self.up_since = time.monotonic()
            seconds = round(self.up_since - self.down_since, 1)
            self.down_since = None
            log.warning("database_available_again", source=self.source, outage_seconds=seconds)

    def absorbed(self, exc: BaseException) -> bool:
        """For a background task's failure: whether it is the database being down (then logged
        here, once per outage); anything else is the caller's to log."""
        if not is_database_outage(exc):
            return False
        self.failed(exc)
        return True


class DatabaseOutageMiddleware:
    def __init__(self, app: ASGIApp, *, outage: OutageLog | None = None) -> None:
        self.app = app
        self.outage = outage or OutageLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status, started = 0, time.monotonic()

        async def watched_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:
            if status or not is_database_outage(exc):
                raise
            self.outage.failed(exc, started)
            await _unavailable(scope)(scope, receive, send)
            return
        if 0 < status < 500:
            self.outage.succeeded(started)


def _unavailable(scope: Scope) -> JSON:
    body = error_body(
        "unavailable",
        "The database cannot be reached just now; retry shortly.",
        Request(scope),
    )
    return JSON(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
