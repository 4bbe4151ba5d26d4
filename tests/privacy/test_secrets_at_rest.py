"""Platform tokens and signing secrets: encrypted in the database, rotated by one command."""

from __future__ import annotations

import asyncio
import os
import uuid

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from botsieve import cli
from botsieve.kit.db import transaction
from botsieve.kit.encryption import PREFIX, Keyring, UndecryptableValue, use_keyring
from botsieve.migrations import downgrade, upgrade
from botsieve.models import Integration, Webhook
from tests.conftest import DATABASE
from tests.integrations.conftest import BASE, create_integration
from tests.integrations.standins.qualtrics import API_TOKEN

NEW_KEY = "rotated-encryption-key-" + uuid.uuid4().hex
SECRET_COLUMNS = {
    "integrations": ("shared_key", "api_token"),
    "webhook_endpoints": ("secret",),
}


async def _stored(app) -> dict[str, list[str]]:
    """The secret columns as the database holds them (not through the column type)."""
    found: dict[str, list[str]] = {}
    async with transaction(app.state.botsieve.sessionmaker) as db:
        for table, columns in SECRET_COLUMNS.items():
            for name in columns:
                rows = await db.execute(sa.text(f"SELECT {name} FROM {table} ORDER BY id"))
                found[f"{table}.{name}"] = [r[0] for r in rows if r[0] is not None]
    return found


async def _through_the_models(app) -> dict[str, str | None]:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        integration = (await db.scalars(sa.select(Integration))).one()
        webhook = (await db.scalars(sa.select(Webhook))).one()
    return {
        "shared_key": integration.shared_key,
        "api_token": integration.api_token,
        "secret": webhook.secret,
    }


async def _secrets(client, admin, receiver) -> dict[str, str]:
    created = await create_integration(
        client, admin, base_url="http://x.example", api_token=API_TOKEN
    )
    _, server = receiver
    reply = await client.post(f"{BASE}/webhooks", json={"url": f"{server.url}/h"}, headers=admin)
    assert reply.status_code == 201, reply.text
    return {
        "shared_key": created["shared_key"],
        "api_token": API_TOKEN,
        "secret": reply.json()["secret"],
    }


async def test_tokens_and_signing_secrets_are_stored_encrypted(app, client, admin, receiver):
    plain = await _secrets(client, admin, receiver)
    stored = await _stored(app)
    everything = orjson.dumps(stored).decode()
    for name, value in plain.items():
        assert value not in everything, f"{name} is stored in clear"
    for column, values in stored.items():
        assert values and all(v.startswith(PREFIX) for v in values), column
    # Read back through the model they are the plain values: the platforms still get them.
    assert await _through_the_models(app) == plain


def _rotate(monkeypatch, settings, previous: list[str]) -> object:
    env = {
        "BOTSIEVE_ENV": "test",
        "BOTSIEVE_DATABASE_URL": settings.resolved_database_url,
        "BOTSIEVE_DATA_DIR": str(settings.data_dir),
        "BOTSIEVE_SECRET_KEY": settings.secret.decode(),
        "BOTSIEVE_ENCRYPTION_KEY": NEW_KEY,
        "BOTSIEVE_ENCRYPTION_PREVIOUS_KEYS": orjson.dumps(previous).decode(),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(cli.app, ["rotate-encryption-key"])


async def test_the_rotation_command_moves_every_secret_to_the_new_key(
    app, client, admin, receiver, settings, monkeypatch
):
    plain = await _secrets(client, admin, receiver)
    before = await _stored(app)
    # The installation secret was the key until now, so it is the previous key.
    result = await asyncio.to_thread(_rotate, monkeypatch, settings, [settings.secret.decode()])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 3 stored secrets" in result.output
    after = await _stored(app)
    new_only, old_only = Keyring(NEW_KEY.encode()), Keyring(settings.secret)
    for column, values in after.items():
        assert values != before[column]
        for value in values:
            assert new_only.decrypt(value) in plain.values()
            with pytest.raises(UndecryptableValue):
                old_only.decrypt(value)
    use_keyring(Keyring(NEW_KEY.encode()))
    assert await _through_the_models(app) == plain


async def test_without_the_old_key_the_rotation_changes_nothing(
    app, client, admin, receiver, settings, monkeypatch
):
    await _secrets(client, admin, receiver)
    before = await _stored(app)
    result = await asyncio.to_thread(_rotate, monkeypatch, settings, [])
    assert result.exit_code == 1
    assert "does not open under any configured key" in result.output
    assert await _stored(app) == before


def _fresh_database(tmp_path) -> str:
    if DATABASE != "postgresql":
        return f"sqlite+inline:///{tmp_path / 'secrets.db'}"
    base = os.environ["BOTSIEVE_TEST_PG_URL"]
    name = f"botsieve_secrets_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        await admin.dispose()

    asyncio.run(create())
    return base.rsplit("/", 1)[0] + "/" + name


def _sql(url: str, statement: str, **params: object) -> list[tuple[object, ...]]:
    async def run() -> list[tuple[object, ...]]:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            result = await conn.execute(sa.text(statement), params)
            rows = [tuple(r) for r in result] if result.returns_rows else []
        await engine.dispose()
        return rows

    return asyncio.run(run())


def test_the_migration_encrypts_what_was_stored_in_clear_and_the_downgrade_decrypts(tmp_path):
    url = _fresh_database(tmp_path)
    upgrade(url, "0210")
    upgrade(url, "1201")
    _sql(
        url,
        "INSERT INTO webhook_endpoints (id, url, events, secret, active, created_at) "
        "VALUES (:id, 'https://h.example/x', '[]', 'whsec_in_clear', true, CURRENT_TIMESTAMP)",
        id=uuid.uuid4().hex if DATABASE != "postgresql" else str(uuid.uuid4()),
    )
    use_keyring(Keyring(NEW_KEY.encode()))
    upgrade(url)
    (stored,) = _sql(url, "SELECT secret FROM webhook_endpoints")[0]
    assert isinstance(stored, str) and stored.startswith(PREFIX)
    assert Keyring(NEW_KEY.encode()).decrypt(stored) == "whsec_in_clear"
    downgrade(url, "1220-1")
    assert _sql(url, "SELECT secret FROM webhook_endpoints") == [("whsec_in_clear",)]
