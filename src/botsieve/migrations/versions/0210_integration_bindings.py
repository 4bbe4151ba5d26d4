"""Integrations: one session per response, verdicts that are rescored, refused posts kept.

Revision ID: 0210
Revises: 0201
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import botsieve.models.base

revision = "0210"
down_revision = "0201"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("integration_responses") as batch:
        batch.add_column(
            sa.Column("updated_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "integration_session_bindings",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("response_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_integration_session_bindings_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_integration_session_bindings")),
    )
    op.create_table(
        "integration_refusals",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_integration_refusals_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_refusals")),
    )
    op.create_index(
        "ix_integration_refusals_integration_at",
        "integration_refusals",
        ["integration_id", "at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_integration_refusals_integration_at", table_name="integration_refusals")
    op.drop_table("integration_refusals")
    op.drop_table("integration_session_bindings")
    with op.batch_alter_table("integration_responses") as batch:
        batch.drop_column("updated_at")
