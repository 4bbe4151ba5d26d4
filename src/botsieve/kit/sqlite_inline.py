"""SQLite run on the event loop's own thread, for the embedded default database.

aiosqlite hands every statement to a worker thread and back; on a small machine that hop costs
about 150 µs, a hundred times the statement itself (see bench/README.md). SQLite on a local
file in WAL mode answers in microseconds, so running it inline is faster than any hand-off. The
price: a statement that waits for another process's write lock holds the event loop for up to
the busy timeout, so a multi-worker deployment should use PostgreSQL.

The dialect is the standard pysqlite one that declares itself usable under asyncio: every call
already runs inside SQLAlchemy's greenlet. SQLAlchemy insists that an async execution awaits
something, so each statement awaits a coroutine that is already finished (two greenlet
switches, about a microsecond).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util.concurrency import await_


async def _finished() -> None:
    return None


def _touch_the_loop() -> None:
    await_(_finished())


class InlineCursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """What SQLAlchemy's asyncio layer calls on a finished result; nothing to hand back."""


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    driver = "inline"
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: Any) -> Any:
        return AsyncAdaptedQueuePool

    def create_connect_args(self, url: Any) -> Any:
        args, kwargs = super().create_connect_args(url)
        # The pool hands connections to one thread at a time, always the event loop's.
        kwargs["check_same_thread"] = False
        kwargs["factory"] = InlineConnection
        return args, kwargs

    def do_execute(self, cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        super().do_execute(cursor, statement, parameters, context)
        _touch_the_loop()

    def do_executemany(
        self, cursor: Any, statement: Any, parameters: Any, context: Any = None
    ) -> None:
        super().do_executemany(cursor, statement, parameters, context)
        _touch_the_loop()

    def do_execute_no_params(self, cursor: Any, statement: Any, context: Any = None) -> None:
        super().do_execute_no_params(cursor, statement, context)
        _touch_the_loop()

    def do_commit(self, dbapi_connection: Any) -> None:
        super().do_commit(dbapi_connection)
        _touch_the_loop()

    def do_rollback(self, dbapi_connection: Any) -> None:
        super().do_rollback(dbapi_connection)
        _touch_the_loop()


registry.register("sqlite.inline", __name__, "InlineSQLiteDialect")
