"""Platform tokens and signing secrets encrypted at rest (kit/encryption.py).

The columns become TEXT (a Fernet token is about 1.8 times the plain value) and the values
already stored are encrypted under the configured key; the downgrade decrypts them again.

Revision ID: 1220
Revises: 1201
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from botsieve.kit.encryption import current_keyring, rewrite_columns

revision = "1220"
down_revision = "1201"
branch_labels = None
depends_on = "0210"

# (table, its key, the secret columns with their width before this revision)
SECRETS = (
    ("integrations", "id", {"shared_key": 200, "previous_shared_key": 200, "api_token": 200}),
    ("webhook_endpoints", "id", {"secret": 100, "previous_secret": 100}),
)


def upgrade() -> None:
    for table, key, columns in SECRETS:
        with op.batch_alter_table(table) as batch:
            for name, width in columns.items():
                batch.alter_column(name, type_=sa.Text(), existing_type=sa.String(width))
        if _has_rows(table):
            rewrite_columns(op.get_bind(), table, key, columns, current_keyring().reencrypt)


def downgrade() -> None:
    for table, key, columns in SECRETS:
        if _has_rows(table):
            rewrite_columns(op.get_bind(), table, key, columns, current_keyring().decrypt)
        with op.batch_alter_table(table) as batch:
            for name, width in columns.items():
                batch.alter_column(name, type_=sa.String(width), existing_type=sa.Text())


def _has_rows(table: str) -> bool:
    # The keyring reads the settings; an empty table (a fresh install, a test) needs none.
    return op.get_bind().execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
