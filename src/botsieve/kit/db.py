"""Database engine and the request-scoped session.

One ``AsyncSession`` per request; services flush, the dependency commits once at the end (so a
request either stores everything it acknowledged or nothing). SQLite gets WAL and a busy timeout
so that several workers can share one file.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from botsieve.kit import sqlite_inline  # noqa: F401  (registers the sqlite+inline dialect)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=10000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)


def _apply_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def without_statement_cache() -> dict[str, Any]:
    """asyncpg connection arguments for PgBouncer in transaction mode (docs/deploy.md)."""
    return {
        "statement_cache_size": 0,
        "prepared_statement_cache_size": 0,
        "prepared_statement_name_func": lambda: f"__bs_{uuid.uuid4().hex}__",
    }


def create_engine(url: str, *, echo: bool = False, statement_cache: bool = True) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, pool_size=8, max_overflow=8)
        event.listen(engine.sync_engine, "connect", _apply_sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=16,
        max_overflow=16,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={} if statement_cache else without_statement_cache(),
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Yield one session; commit when the consumer is done, roll back if it raised."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# The same, for code outside requests: ``async with transaction(maker) as db: ...``
transaction = contextlib.asynccontextmanager(session_scope)


def dialect_insert(dialect_name: str, table: Any) -> Any:
    """An INSERT that knows ON CONFLICT for the named database."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)
