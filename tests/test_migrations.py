"""Migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from botsieve.maintenance.partitions import is_partition_name
from botsieve.migrations import downgrade, upgrade
from botsieve.models import Base


def _declared(name: str | None, kind: str, _: object) -> bool:
    """Everything but the event table's partitions (PostgreSQL), which no model declares."""
    return not (kind == "table" and name is not None and is_partition_name(name))


def _differences(url: str) -> list[object]:
    async def compare() -> list[object]:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"include_name": _declared}),
                    Base.metadata,
                )
            )
        await engine.dispose()
        return list(diff)

    return asyncio.run(compare())


def test_migrated_schema_matches_the_models(database_url):
    assert _differences(database_url) == []


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite+inline:///{tmp_path / 'm.db'}"
    upgrade(url)
    downgrade(url, "base")
    upgrade(url)
    assert _differences(url) == []


def test_quality_flags_are_copied_onto_analysed_sessions(tmp_path):
    import json
    import sqlite3
    import uuid

    path = tmp_path / "flags.db"
    upgrade(f"sqlite+inline:///{path}", "0302")
    analysed, never = uuid.uuid4().hex, uuid.uuid4().hex
    now = "2026-01-01 00:00:00.000000"
    with sqlite3.connect(path) as db:
        for sid in (analysed, never):
            db.execute(
                "INSERT INTO sessions (id, created_at, updated_at, expires_at, status, platform,"
                " survey_id, is_completed, metadata, environment, event_count)"
                " VALUES (?, ?, ?, ?, 'active', 'web', 'SV_m', 0, '{}', '{}', 0)",
                (sid, now, now, now),
            )
        for flags in (["speeding"], ["long_absence", "pasted_text"]):  # the latest counts
            db.execute(
                "INSERT INTO detection_results (session_id, is_bot, bot_probability,"
                " confidence_score, risk_level, processing_time_ms, event_count,"
                " analysis_summary, method_scores, quality_flags, features, model_version,"
                " created_at) VALUES (?, 0, 0.1, 0.5, 'low', 1, 1, '', '{}', ?, '{}', 'm', ?)",
                (analysed, json.dumps(flags), now),
            )
    upgrade(f"sqlite+inline:///{path}")
    with sqlite3.connect(path) as db:
        stored = dict(db.execute("SELECT id, quality_flags FROM sessions"))
    assert stored == {analysed: "long_absence pasted_text", never: None}
