"""``botsieve rotate-encryption-key``: every secret at rest re-encrypted under the current key."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.commands import run_with_db
from botsieve.kit.encryption import EncryptedText, UndecryptableValue, current_keyring
from botsieve.kit.encryption import rewrite_columns as rewrite
from botsieve.models import Base


def encrypted_columns() -> list[tuple[str, str, list[str]]]:
    """(table, its single-column key, its encrypted columns) for every table that has any."""
    found = []
    for table in Base.metadata.sorted_tables:
        names = [c.name for c in table.columns if isinstance(c.type, EncryptedText)]
        if names:
            (key,) = table.primary_key.columns
            found.append((table.name, key.name, names))
    return found


async def reencrypt_everything(db: AsyncSession) -> int:
    """Re-encrypt (or first encrypt) every stored secret; all or nothing, in one transaction."""
    keyring = current_keyring()

    def run(sync: Any) -> int:
        conn = sync.connection()
        return sum(
            rewrite(conn, table, key, names, keyring.reencrypt)
            for table, key, names in encrypted_columns()
        )

    return await db.run_sync(run)


def register(app: typer.Typer) -> None:
    @app.command("rotate-encryption-key")
    def rotate_encryption_key() -> None:
        """Re-encrypt platform tokens and signing secrets under BOTSIEVE_ENCRYPTION_KEY.

        Run it after moving the old key to BOTSIEVE_ENCRYPTION_PREVIOUS_KEYS and setting a new
        one; once it has run, the old key can be dropped.
        """
        try:
            count = run_with_db(reencrypt_everything)
        except UndecryptableValue as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=1) from None
        typer.echo(f"re-encrypted {count} stored secrets under the current key")
