"""Bulk data for the benchmarks, written straight into the database (not through the API)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg

COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "expires_at",
    "status",
    "platform",
    "survey_id",
    "respondent_id",
    "is_completed",
    "metadata",
    "environment",
    "ip_hash",
    "device_signature",
    "event_count",
    "is_bot",
    "bot_probability",
    "risk_level",
    "analyzed_at",
)
RISKS = ("low", "medium", "high", "critical")


def _sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1]


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def create_pg_database(base_url: str) -> str:
    name = f"botsieve_bench_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect(_pg_dsn(base_url))
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    asyncio.run(create())
    return base_url.rsplit("/", 1)[0] + "/" + name


def _rows(count: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(42)
    now = dt.datetime.now(dt.UTC)
    for i in range(count):
        created = now - dt.timedelta(seconds=rng.uniform(0, 30 * 86400))
        analysed = rng.random() < 0.7
        probability = rng.betavariate(0.5, 3) if analysed else None
        risk = RISKS[min(3, int((probability or 0) * 4))] if analysed else None
        yield (
            uuid.UUID(int=rng.getrandbits(128)),
            created,
            created,
            created + dt.timedelta(hours=24),
            "completed" if analysed else "active",
            ("qualtrics", "decipher", "web")[i % 3],
            f"SV_{i % 10}",
            f"R_{i}",
            analysed,
            "{}",
            "{}",
            None,
            None,
            rng.randint(100, 3000),
            (probability or 0) >= 0.5 if analysed else None,
            probability,
            risk,
            created if analysed else None,
        )


def sessions(url: str, count: int) -> int:
    if url.startswith("sqlite"):
        return _sqlite_sessions(_sqlite_path(url), count)
    return asyncio.run(_pg_sessions(_pg_dsn(url), count))


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _sqlite_sessions(path: str, count: int) -> int:
    conn = sqlite3.connect(path)
    placeholders = ",".join("?" for _ in COLUMNS)
    statement = f"INSERT INTO sessions ({','.join(COLUMNS)}) VALUES ({placeholders})"
    rows = ([_sqlite_value(v) for v in row] for row in _rows(count))
    with conn:
        conn.executemany(statement, rows)
    conn.close()
    return count


async def _pg_sessions(dsn: str, count: int) -> int:
    conn = await asyncpg.connect(dsn)
    await conn.copy_records_to_table("sessions", records=_rows(count), columns=list(COLUMNS))
    await conn.execute("ANALYZE sessions")
    await conn.close()
    return count


def storage_per_event(url: str) -> dict[str, Any]:
    """Bytes on disk for the stored events (tables and their indexes) per mousemove event."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(_sqlite_path(url))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        events = conn.execute(
            "SELECT SUM(event_count) FROM behavior_data WHERE event_type = 'mousemove'"
        ).fetchone()[0]
        size = conn.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('behavior_data', "
            "'ix_behavior_data_session_id', 'event_batches', 'sqlite_autoindex_event_batches_1')"
        ).fetchone()[0]
        conn.close()
    else:

        async def measure() -> tuple[int, int]:
            conn = await asyncpg.connect(_pg_dsn(url))
            await conn.execute("VACUUM ANALYZE behavior_data")
            n = await conn.fetchval(
                "SELECT SUM(event_count) FROM behavior_data WHERE event_type = 'mousemove'"
            )
            b = await conn.fetchval(
                # pg_partition_tree: a partitioned table's size is its partitions' sizes.
                "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) "
                "FROM pg_partition_tree('behavior_data')), pg_total_relation_size('behavior_data'))"
                " + pg_total_relation_size('event_batches')"
            )
            await conn.close()
            return int(n), int(b)

        events, size = asyncio.run(measure())
    return {
        "events": int(events),
        "bytes": int(size),
        "bytes_per_mousemove": round(size / events, 2) if events else None,
    }
