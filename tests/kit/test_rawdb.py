"""The driver-level database of the hot path: transactions that store all or nothing, and on
SQLite, group commit that never makes the SQLAlchemy engine wait for its lock."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from botsieve.kit.db import create_engine
from botsieve.kit.rawdb import EngineSqliteDatabase, SqliteDatabase, open_raw_database

DDL = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    path = tmp_path / "raw.db"
    with sqlite3.connect(path) as conn:
        conn.execute(DDL)
    return path


def _bodies(path: Path) -> list[str]:
    """What another connection sees: only what was committed."""
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT body FROM notes ORDER BY id")]


async def _note(db: SqliteDatabase, body: str, *, fail: bool = False) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO notes (body) VALUES ($1)", body)
        if fail:
            raise ValueError("refused after writing")


async def test_a_transaction_returns_only_once_committed(sqlite_path: Path) -> None:
    db = SqliteDatabase(str(sqlite_path))
    await _note(db, "first")
    assert _bodies(sqlite_path) == ["first"]
    await db.close()


async def test_requests_of_one_loop_turn_share_one_commit(
    sqlite_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = SqliteDatabase(str(sqlite_path))
    commits = []
    real_commit = db._commit_group

    def counting_commit() -> None:
        commits.append(db._group is not None)
        real_commit()

    monkeypatch.setattr(db, "_commit_group", counting_commit)
    await asyncio.gather(*(_note(db, f"n{i}") for i in range(6)))
    assert _bodies(sqlite_path) == [f"n{i}" for i in range(6)]
    assert commits.count(True) == 1
    await db.close()


async def test_a_failed_request_takes_only_its_own_writes_back(sqlite_path: Path) -> None:
    db = SqliteDatabase(str(sqlite_path))
    results = await asyncio.gather(
        _note(db, "kept 1"),
        _note(db, "dropped", fail=True),
        _note(db, "kept 2"),
        return_exceptions=True,
    )
    assert isinstance(results[1], ValueError)
    assert results[0] is None and results[2] is None
    assert _bodies(sqlite_path) == ["kept 1", "kept 2"]
    await db.close()


async def test_giving_up_the_loop_inside_a_transaction_is_refused(sqlite_path: Path) -> None:
    db = SqliteDatabase(str(sqlite_path))

    async def slow() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes (body) VALUES ($1)", "slow")
            await asyncio.sleep(0.01)

    async def eager() -> None:
        await asyncio.sleep(0)
        await _note(db, "eager")

    results = await asyncio.gather(slow(), eager(), return_exceptions=True)
    assert isinstance(results[1], RuntimeError)
    assert _bodies(sqlite_path) == ["slow"]
    await db.close()


async def test_engine_statements_commit_the_open_group_instead_of_waiting(
    sqlite_path: Path,
) -> None:
    engine = create_engine(f"sqlite+inline:///{sqlite_path}")
    db = await open_raw_database(engine)

    async def through_engine() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO notes (body) VALUES ('engine')"))

    started = time.monotonic()
    # The raw write opens a group (holding SQLite's write lock until the next loop turn); the
    # engine's insert runs in the same turn on another connection. Without the hand-over it
    # would wait out the 10 s busy timeout on the event loop's thread, then fail.
    await asyncio.gather(_note(db, "raw"), through_engine())
    assert time.monotonic() - started < 2
    assert sorted(_bodies(sqlite_path)) == ["engine", "raw"]
    await db.close()
    await engine.dispose()


async def test_a_read_inside_an_open_group_answers_once_the_group_is_committed(
    sqlite_path: Path,
) -> None:
    db = SqliteDatabase(str(sqlite_path))
    writing = asyncio.ensure_future(_note(db, "pending"))
    await asyncio.sleep(0)  # the write's savepoint is released; its group commits next turn
    assert _bodies(sqlite_path) == []
    row = await db.read("SELECT body FROM notes")
    assert row is not None and row[0] == "pending"
    assert _bodies(sqlite_path) == ["pending"]  # what it answered is committed
    await writing
    await db.close()


async def test_the_twin_of_the_test_database_stores_and_rolls_back(database_url: str) -> None:
    """On whichever database the suite runs (SQLite or PostgreSQL)."""
    await _stores_and_rolls_back(database_url)


async def test_an_aiosqlite_engine_gets_a_twin_on_its_own_connections(sqlite_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{sqlite_path}"
    db = await open_raw_database(create_engine(url))
    assert isinstance(db, EngineSqliteDatabase)
    await db.close()
    await _stores_and_rolls_back(url)


async def _stores_and_rolls_back(url: str) -> None:
    engine = create_engine(url)
    db = await open_raw_database(engine)
    table = f"raw_{uuid.uuid4().hex[:8]}"
    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, body TEXT)"))
    try:
        async with db.transaction() as tx:
            assert await tx.execute(f"INSERT INTO {table} VALUES ($1, $2)", 1, "one") == 1
            await tx.executemany(f"INSERT INTO {table} VALUES ($1, $2)", [(2, "two"), (3, "3")])
            row = await tx.fetchrow(f"SELECT count(*) FROM {table}")
            assert row is not None and row[0] == 3
        with pytest.raises(ValueError):
            async with db.transaction() as tx:
                await tx.execute(f"DELETE FROM {table}")
                raise ValueError("roll back")
        async with db.transaction() as tx:
            changed = await tx.execute(
                f"INSERT INTO {table} VALUES ($1, $2) ON CONFLICT DO NOTHING", 1, "again"
            )
            row = await tx.fetchrow(f"SELECT count(*) FROM {table}")
        assert changed == 0
        assert row is not None and row[0] == 3
        # A read on its own: no transaction, what is committed.
        read = await db.read(f"SELECT body FROM {table} WHERE id = $1", 2)
        assert read is not None and read[0] == "two"
    finally:
        await db.close()
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE {table}"))
        await engine.dispose()


async def test_a_postgresql_statement_alone_is_one_round_trip(database_url: str) -> None:
    """No reset query (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL) after each statement,
    and a transaction left open is still rolled back before the connection serves again."""
    if not database_url.startswith("postgresql"):
        pytest.skip("asyncpg's pool is PostgreSQL's (BOTSIEVE_TEST_DATABASE=postgresql)")
    engine = create_engine(database_url)
    db = await open_raw_database(engine, max_size=1)
    sent: list[str] = []
    try:
        async with db._pool.acquire() as conn:  # type: ignore[attr-defined]
            conn.add_query_logger(lambda record: sent.append(record.query))
            await conn.transaction().start()  # left open: the pool's own cleanup ends it
        assert sent == ["BEGIN;", "ROLLBACK"]
        sent.clear()
        assert await db.fetchrow_alone("SELECT $1::int", 7) == (7,)
        async with db.transaction() as tx:
            await tx.execute("SELECT 1")
    finally:
        await db.close()
        await engine.dispose()
    assert sent == ["SELECT $1::int", "BEGIN;", "SELECT 1", "COMMIT;"]


async def test_closing_ends_even_with_a_connection_never_given_back(database_url: str) -> None:
    """A connection a cancelled task never returned would make asyncpg's close wait for ever
    (one way an app's shutdown can hang, as one did for 30 minutes in a CI run); after the
    grace the pool is terminated and that connection closed."""
    if not database_url.startswith("postgresql"):
        pytest.skip("asyncpg's pool is PostgreSQL's (BOTSIEVE_TEST_DATABASE=postgresql)")
    engine = create_engine(database_url)
    db = await open_raw_database(engine, max_size=2)
    try:
        lent = await db._pool.acquire()  # type: ignore[attr-defined]
        backend = lent.get_server_pid()
        await db.close(grace=0.1)  # type: ignore[call-arg]
        with pytest.raises(asyncpg.InterfaceError, match="closed"):
            await db._pool.acquire()  # type: ignore[attr-defined]
        # The server lets the backend go once it sees the socket shut (no deadline: it will).
        while await _backend_alive(engine, backend):
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


async def _backend_alive(engine: AsyncEngine, pid: int) -> bool:
    async with engine.connect() as conn:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        return bool((await conn.execute(query, {"pid": pid})).scalar())
