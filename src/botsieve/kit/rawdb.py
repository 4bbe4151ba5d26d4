"""The database driver itself, for the few fixed statements on the ingestion hot path.

Session creation and event ingestion are the requests a survey sends by the thousand. Through
SQLAlchemy each of their statements cost about 50 µs of Python before the database saw it, more
than SQLite takes to run it, and the pool churned connections under load (see docs/service.md,
"Performance"). These statements therefore run straight on the driver: ``sqlite3`` on the event
loop's own thread, ``asyncpg`` from a pool of its own. Everything else stays on SQLAlchemy.

Statements are written once, with ``$1``-style parameters, for both databases. What differs is
how values are stored (SQLite keeps ids as hex text and times as naive UTC text, the way the
SQLAlchemy models store them there); each database object encodes its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol
from uuid import UUID

import orjson
import structlog
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from botsieve.kit.db import SQLITE_PRAGMAS

log = structlog.get_logger()

_PARAM = re.compile(r"\$(\d+)")
# How long closing waits for connections still lent out. By then the server has finished its
# requests, so one still out belongs to a task that will never give it back; asyncpg's own
# close would wait for it for ever (its own warning, after 60 s, says to bound the wait).
CLOSE_GRACE_SECONDS = 10.0
# The format SQLAlchemy's SQLite DATETIME writes, so both layers read each other's rows.
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


class RawTransaction(Protocol):
    async def fetchrow(self, sql: str, *args: Any) -> Sequence[Any] | None: ...

    async def execute(self, sql: str, *args: Any) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class RawDatabase(Protocol):
    name: str

    def transaction(self) -> contextlib.AbstractAsyncContextManager[RawTransaction]: ...

    async def fetchrow_alone(self, sql: str, *args: Any) -> Sequence[Any] | None:
        """Run one statement in a transaction of its own; its first row."""
        ...

    async def read(self, sql: str, *args: Any) -> Sequence[Any] | None:
        """Run one read-only statement now, with no transaction to commit; its first row.
        It sees what committed before it (on SQLite, also the open group's writes)."""
        ...

    def uuid(self, value: uuid.UUID | None) -> Any: ...

    def time(self, value: dt.datetime) -> Any: ...

    def read_uuid(self, value: Any) -> UUID: ...

    def read_time(self, value: Any) -> dt.datetime: ...

    def json(self, value: Any) -> Any: ...

    async def close(self) -> None: ...


class SqliteTransaction:
    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def fetchrow(self, sql: str, *args: Any) -> Sequence[Any] | None:
        row: Sequence[Any] | None = self._conn.execute(_qmark(sql), args).fetchone()
        return row

    async def execute(self, sql: str, *args: Any) -> int:
        return self._conn.execute(_qmark(sql), args).rowcount

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.executemany(_qmark(sql), rows)


_QMARK: dict[str, str] = {}


def _qmark(sql: str) -> str:
    """``$1`` parameters as SQLite's numbered ``?1``, converted once per statement."""
    converted = _QMARK.get(sql)
    if converted is None:
        converted = _QMARK[sql] = _PARAM.sub(r"?\1", sql)
    return converted


class SqliteValues:
    """Values as the SQLAlchemy models store them in SQLite: ids as hex, times as naive UTC."""

    name = "sqlite"

    def uuid(self, value: uuid.UUID | None) -> Any:
        return None if value is None else value.hex

    def time(self, value: dt.datetime) -> Any:
        # isoformat is several times faster than strftime and writes the same text.
        if value.tzinfo is not dt.UTC:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")

    def read_uuid(self, value: Any) -> UUID:
        return UUID(value)

    def read_time(self, value: Any) -> dt.datetime:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)

    def json(self, value: Any) -> Any:
        return orjson.dumps(value).decode()


class SqliteDatabase(SqliteValues):
    """One connection, used only from the event loop's thread, committing in groups.

    One connection is enough: a request's transaction runs start to end without giving the loop
    up (every call in it is synchronous), so two never overlap. Each is a savepoint inside a
    transaction shared with the requests handled in the same turn of the event loop, and that
    transaction commits once, on the next turn, before any of them is acknowledged. A commit
    writes every page the transaction changed; requests arriving together touch the same index
    pages, so one commit for all of them writes each page once instead of once per request.

    While a group is open this connection holds SQLite's write lock. Statements on the
    SQLAlchemy engine commit the group first (``yield_to``), so they never wait on it.
    """

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in SQLITE_PRAGMAS:
            self._conn.execute(pragma)
        self._group: asyncio.Future[None] | None = None
        self._in_request = False

    def yield_to(self, engine: AsyncEngine) -> None:
        """Commit the open group before each statement ``engine`` runs on its own connections."""
        event.listen(engine.sync_engine, "before_cursor_execute", self._before_other_statement)

    def _before_other_statement(self, *_: Any) -> None:
        if not self._in_request:
            self._commit_group()

    def transaction(self) -> _SqliteRequest:
        return _SqliteRequest(self)

    async def fetchrow_alone(self, sql: str, *args: Any) -> Sequence[Any] | None:
        # The steps of ``async with self.transaction()``, without a context manager's calls.
        group = self._open_savepoint()
        try:
            row: Sequence[Any] | None = self._conn.execute(_qmark(sql), args).fetchone()
        except BaseException:
            self._close_savepoint(failed=True)
            raise
        self._close_savepoint(failed=False)
        # Shielded: a client that hangs up must not cancel the others' commit.
        await asyncio.shield(group)
        return row

    def _open_savepoint(self) -> asyncio.Future[None]:
        """Join the open group (or open one) and start this request's savepoint in it."""
        if self._in_request:
            raise RuntimeError("a hot-path SQLite transaction gave up the event loop mid-way")
        group = self._join_group()
        self._conn.execute("SAVEPOINT request")
        self._in_request = True
        return group

    def _close_savepoint(self, *, failed: bool) -> None:
        try:
            if failed:
                self._conn.execute("ROLLBACK TO request")
            self._conn.execute("RELEASE request")
        finally:
            self._in_request = False

    async def read(self, sql: str, *args: Any) -> Sequence[Any] | None:
        # Synchronous, so never inside another request's savepoint. Inside an open group it
        # sees that group's writes: answered once they are committed, as they would be there.
        row: Sequence[Any] | None = self._conn.execute(_qmark(sql), args).fetchone()
        if self._group is not None:
            await asyncio.shield(self._group)
        return row

    def _join_group(self) -> asyncio.Future[None]:
        if self._group is None:
            # IMMEDIATE takes the write lock now, so no statement fails half-way for want of it.
            self._conn.execute("BEGIN IMMEDIATE")
            loop = asyncio.get_running_loop()
            self._group = loop.create_future()
            loop.call_soon(self._commit_group)
        return self._group

    def _commit_group(self) -> None:
        if self._in_request:
            # A request gave up the loop mid-way (a bug, refused to the next one): its
            # savepoint is still open, so the group commits once it has ended.
            asyncio.get_running_loop().call_soon(self._commit_group)
            return
        group, self._group = self._group, None
        if group is None:
            return
        try:
            self._conn.execute("COMMIT")
        except Exception as exc:
            # Nothing of the group is acknowledged: every request in it gets the error.
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            group.set_exception(exc)
        else:
            group.set_result(None)

    async def close(self) -> None:
        self._commit_group()
        self._conn.close()


class _SqliteRequest:
    """``SqliteDatabase.transaction()``: a savepoint in the open group, answered once the group
    has committed. A class rather than ``contextlib.asynccontextmanager``, whose generator
    machinery cost more per request than the savepoint itself."""

    __slots__ = ("_db", "_group")

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def __aenter__(self) -> RawTransaction:
        self._group = self._db._open_savepoint()
        return SqliteTransaction(self._db._conn)

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._db._close_savepoint(failed=kind is not None)
        if kind is None:
            await asyncio.shield(self._group)  # as in fetchrow_alone


class EngineTransaction:
    __slots__ = ("_conn",)

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def fetchrow(self, sql: str, *args: Any) -> Sequence[Any] | None:
        result = await self._conn.exec_driver_sql(_qmark(sql), args)
        row: Sequence[Any] | None = result.first() if result.returns_rows else None
        return row

    async def execute(self, sql: str, *args: Any) -> int:
        result = await self._conn.exec_driver_sql(_qmark(sql), args)
        return int(result.rowcount)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._conn.exec_driver_sql(_qmark(sql), list(rows))


class EngineSqliteDatabase(SqliteValues):
    """The same statements through the SQLAlchemy engine's own connections.

    For SQLite drivers other than the inline one (``aiosqlite``): those run statements in a
    thread and hold SQLite's write lock across turns of the event loop, so a connection of our
    own on the loop's thread could wait for them there, and they for the loop.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[RawTransaction]:
        async with self._engine.begin() as conn:
            yield EngineTransaction(conn)

    async def fetchrow_alone(self, sql: str, *args: Any) -> Sequence[Any] | None:
        async with self.transaction() as tx:
            return await tx.fetchrow(sql, *args)

    async def read(self, sql: str, *args: Any) -> Sequence[Any] | None:
        async with self._engine.connect() as conn:
            return await EngineTransaction(conn).fetchrow(sql, *args)

    async def close(self) -> None:
        return None


class PostgresTransaction:
    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def fetchrow(self, sql: str, *args: Any) -> Sequence[Any] | None:
        row: Sequence[Any] | None = await self._conn.fetchrow(sql, *args)
        return row

    async def execute(self, sql: str, *args: Any) -> int:
        status: str = await self._conn.execute(sql, *args)
        # asyncpg answers with the command tag, e.g. "INSERT 0 1" or "UPDATE 3".
        return int(status.rsplit(" ", 1)[-1])

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)


async def _nothing_to_reset(conn: Any) -> None:
    """What asyncpg's pool runs on each connection given back, after its own cleanup.

    By default that is a second round trip per request: ``SELECT pg_advisory_unlock_all();
    CLOSE ALL; UNLISTEN *; RESET ALL;``, which cost as much as the statement itself and made
    PostgreSQL's session creation and single events trail SQLite's. The fixed statements here
    leave no session state behind (no locks, cursors, LISTEN or SET); a transaction left open
    is still rolled back by the pool's own cleanup, which runs before this.
    """
    return None


class PostgresDatabase:
    name = "postgresql"

    def __init__(self, pool: Any, *, pinned: bool = False) -> None:
        self._pool = pool
        # Unnamed statements are prepared and run in two exchanges; behind PgBouncer in
        # transaction mode only a transaction keeps both on the same server connection.
        self._pinned = pinned

    @classmethod
    async def connect(
        cls, sqlalchemy_url: URL, max_size: int, statement_cache: bool = True
    ) -> PostgresDatabase:
        import asyncpg

        dsn = sqlalchemy_url.set(drivername="postgresql").render_as_string(hide_password=False)
        # Without the cache asyncpg prepares each statement unnamed, inside our transaction,
        # which PgBouncer in transaction mode keeps on one server connection.
        cache = {} if statement_cache else {"statement_cache_size": 0}
        pool = await asyncpg.create_pool(
            dsn, min_size=1, max_size=max_size, reset=_nothing_to_reset, **cache
        )
        return cls(pool, pinned=not statement_cache)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[RawTransaction]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield PostgresTransaction(conn)

    async def fetchrow_alone(self, sql: str, *args: Any) -> Sequence[Any] | None:
        return await self._one(sql, *args)

    async def read(self, sql: str, *args: Any) -> Sequence[Any] | None:
        return await self._one(sql, *args)

    async def _one(self, sql: str, *args: Any) -> Sequence[Any] | None:
        if self._pinned:
            async with self.transaction() as tx:
                return await tx.fetchrow(sql, *args)
        # No BEGIN and COMMIT round trips: a single statement is its own transaction.
        row: Sequence[Any] | None = await self._pool.fetchrow(sql, *args)
        return row

    def uuid(self, value: uuid.UUID | None) -> Any:
        return value

    def time(self, value: dt.datetime) -> Any:
        return value

    def read_uuid(self, value: Any) -> UUID:
        uid: UUID = value
        return uid

    def read_time(self, value: Any) -> dt.datetime:
        moment: dt.datetime = value
        return moment.astimezone(dt.UTC)

    def json(self, value: Any) -> Any:
        # asyncpg sends json and jsonb parameters as text.
        return orjson.dumps(value).decode()

    async def close(self, grace: float = CLOSE_GRACE_SECONDS) -> None:
        lent = self._pool.get_size() - self._pool.get_idle_size()
        if lent:
            log.warning("raw_pool_closing_with_connections_lent", lent=lent)
        try:
            # On the timeout asyncpg's close terminates the pool before the error reaches here.
            await asyncio.wait_for(self._pool.close(), grace)
        except TimeoutError:
            log.warning("raw_pool_terminated", lent=lent, grace_seconds=grace)


async def open_raw_database(
    engine: AsyncEngine, *, max_size: int = 16, statement_cache: bool = True
) -> RawDatabase:
    """The driver-level twin of ``engine``, on the same database."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return await PostgresDatabase.connect(url, max_size, statement_cache)
    if url.get_driver_name() == "inline":
        sqlite = SqliteDatabase(url.database or ":memory:")
        sqlite.yield_to(engine)
        return sqlite
    return EngineSqliteDatabase(engine)
