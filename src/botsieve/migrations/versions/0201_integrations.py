"""Integrations: survey platforms, scored responses, the outbox and webhook endpoints.

Revision ID: 0201
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import botsieve.models.base

revision = "0201"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("survey_id", sa.String(length=128), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_token_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "previous_token_until", botsieve.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("hook_hash", sa.String(length=64), nullable=False),
        sa.Column("shared_key", sa.String(length=200), nullable=True),
        sa.Column("previous_shared_key", sa.String(length=200), nullable=True),
        sa.Column("api_token", sa.String(length=200), nullable=True),
        sa.Column("base_url", sa.String(length=300), nullable=True),
        sa.Column(
            "config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_event_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
        sa.UniqueConstraint("hook_hash", name=op.f("uq_integrations_hook_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_integrations_token_hash")),
    )
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column(
            "events",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("previous_secret", sa.String(length=100), nullable=True),
        sa.Column(
            "previous_secret_until", botsieve.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_table(
        "integration_outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("integration_id", sa.Uuid(), nullable=True),
        sa.Column("endpoint_id", sa.Uuid(), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("locked_until", botsieve.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_integration_outbox_endpoint_id_webhook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_integration_outbox_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_integration_outbox_dedupe_key")),
    )
    op.create_index(
        "ix_integration_outbox_due",
        "integration_outbox",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_index(
        "ix_integration_outbox_endpoint", "integration_outbox", ["endpoint_id", "id"], unique=False
    )
    op.create_table(
        "integration_responses",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("response_id", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("risk", sa.String(length=16), nullable=False),
        sa.Column(
            "flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column(
            "quality_flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "quality_features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "written_back_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_integration_responses_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_responses")),
        sa.UniqueConstraint(
            "integration_id",
            "response_id",
            name=op.f("uq_integration_responses_integration_id_response_id"),
        ),
    )
    op.create_index(
        "ix_integration_responses_integration_id",
        "integration_responses",
        ["integration_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_integration_responses_integration_id", table_name="integration_responses")
    op.drop_table("integration_responses")
    op.drop_index("ix_integration_outbox_endpoint", table_name="integration_outbox")
    op.drop_index("ix_integration_outbox_due", table_name="integration_outbox")
    op.drop_table("integration_outbox")
    op.drop_table("webhook_endpoints")
    op.drop_table("integrations")
