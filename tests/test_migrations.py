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
