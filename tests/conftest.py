"""Fixtures: a real database (SQLite, or PostgreSQL when BOTSIEVE_TEST_DATABASE=postgresql),
the real app with its lifespan, an HTTP client over ASGI, and API keys.

Each test starts from empty tables: the app commits for real, so the fixtures delete what a
test wrote instead of rolling back a transaction around it.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import create_async_engine

from botsieve.app import create_app
from botsieve.auth.service import create_key
from botsieve.kit.db import transaction
from botsieve.kit.settings import Settings
from botsieve.migrations import upgrade
from botsieve.models import Base
from tests import stuck

DATABASE = os.environ.get("BOTSIEVE_TEST_DATABASE", "sqlite")
SURVEY_ORIGIN = "https://survey.example"
ENGINE_DIRS = ("engine", "evaluation")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.path)).parts
        if "tests" in parts and parts[parts.index("tests") + 1] in ENGINE_DIRS:
            item.add_marker(pytest.mark.engine_only)


async def _create_pg_database(base_url: str, name: str) -> None:
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    await admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if DATABASE == "postgresql":
        base = os.environ["BOTSIEVE_TEST_PG_URL"]
        name = f"botsieve_test_{uuid.uuid4().hex[:10]}"
        asyncio.run(_create_pg_database(base, name))
        url = base.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite+inline:///{tmp_path_factory.mktemp('db') / 'botsieve.db'}"
    upgrade(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key="test-secret-" + "x" * 40,
        data_dir=tmp_path,
        redis_url=os.environ.get("BOTSIEVE_TEST_REDIS_URL") if DATABASE == "postgresql" else None,
        key_cache_seconds=0,
        log_json=True,
        log_level="warning",
        # Each test starts an app; freezing the heap each time would keep every test's garbage.
        freeze_startup_heap=False,
    )


async def start_clean(application: object) -> None:
    """Empty every table (and Redis) so that a test sees only what it made."""
    state = application.state.botsieve  # type: ignore[attr-defined]
    async with transaction(state.sessionmaker) as db:
        for table in reversed(Base.metadata.sorted_tables):
            await db.execute(delete(table))
    if state.redis is not None:
        await state.redis.flushdb()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in stuck.notes:
        terminalreporter.write_line(line)


@pytest.fixture
async def app(settings: Settings, request: pytest.FixtureRequest) -> AsyncIterator[object]:
    application = create_app(settings)
    watch = stuck.StuckWatch(settings.database_url)
    try:
        watch.arm(f"start of {request.node.nodeid}")
        async with application.router.lifespan_context(application):
            await start_clean(application)
            watch.disarm()
            yield application
            watch.arm(f"shutdown of {request.node.nodeid}")
    finally:
        watch.disarm()


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _key(app: object, kind: str, origins: list[str] | None = None) -> str:
    async with transaction(app.state.botsieve.sessionmaker) as db:  # type: ignore[attr-defined]
        created = await create_key(db, name=f"test {kind}", kind=kind, allowed_origins=origins)  # type: ignore[arg-type]
    return created.key


@pytest.fixture
async def secret_key(app: object) -> str:
    return await _key(app, "secret")


@pytest.fixture
async def publishable_key(app: object) -> str:
    return await _key(app, "publishable", [SURVEY_ORIGIN])


@pytest.fixture
def admin(secret_key: str) -> dict[str, str]:
    """Headers of a server-side caller with a secret key."""
    return {"Authorization": f"Bearer {secret_key}"}


@pytest.fixture
def browser(publishable_key: str) -> dict[str, str]:
    """Headers of a survey page with a publishable key."""
    return {"Authorization": f"Bearer {publishable_key}", "Origin": SURVEY_ORIGIN}
