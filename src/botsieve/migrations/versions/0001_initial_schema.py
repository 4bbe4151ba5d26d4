"""initial schema

Revision ID: 0001
Revises:

"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import botsieve.models.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("prefix", sa.String(length=24), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "allowed_origins",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_table(
        "hourly_rollups",
        sa.Column("bucket", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("survey_id", sa.String(length=128), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("analyzed", sa.Integer(), nullable=False),
        sa.Column("bots", sa.Integer(), nullable=False),
        sa.Column("risk_low", sa.Integer(), nullable=False),
        sa.Column("risk_medium", sa.Integer(), nullable=False),
        sa.Column("risk_high", sa.Integer(), nullable=False),
        sa.Column("risk_critical", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "survey_id", "platform", name=op.f("pk_hourly_rollups")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("survey_id", sa.String(length=128), nullable=False),
        sa.Column("respondent_id", sa.String(length=128), nullable=True),
        sa.Column("is_completed", sa.Boolean(), nullable=False),
        sa.Column("api_key_id", sa.Uuid(), nullable=True),
        sa.Column(
            "metadata", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "environment", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("ip_hash", sa.String(length=32), nullable=True),
        sa.Column("device_signature", sa.String(length=32), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("trajectory_signature", sa.LargeBinary(), nullable=True),
        sa.Column("is_bot", sa.Boolean(), nullable=True),
        sa.Column("bot_probability", sa.Float(), nullable=True),
        sa.Column("risk_level", sa.String(length=16), nullable=True),
        sa.Column("analyzed_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("label", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_sessions_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_sessions_expires_at", ["expires_at"], unique=False)
        batch_op.create_index("ix_sessions_is_bot_created", ["is_bot", "created_at"], unique=False)
        batch_op.create_index(
            "ix_sessions_platform_created", ["platform", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_sessions_risk_created", ["risk_level", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_sessions_survey_created", ["survey_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_sessions_survey_device", ["survey_id", "device_signature"], unique=False
        )
        batch_op.create_index("ix_sessions_survey_ip", ["survey_id", "ip_hash"], unique=False)
        batch_op.create_index(
            "ix_sessions_survey_respondent", ["survey_id", "respondent_id"], unique=False
        )

    op.create_table(
        "behavior_data",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=24), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_behavior_data_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_behavior_data")),
    )
    with op.batch_alter_table("behavior_data", schema=None) as batch_op:
        batch_op.create_index("ix_behavior_data_session_id", ["session_id", "id"], unique=False)

    op.create_table(
        "detection_results",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("bot_probability", sa.Float(), nullable=False),
        sa.Column("confidence_score", sa.Float(), nullable=False),
        sa.Column("risk_level", sa.String(length=16), nullable=False),
        sa.Column("processing_time_ms", sa.Float(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("analysis_summary", sa.Text(), nullable=False),
        sa.Column(
            "method_scores",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "quality_flags",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "features", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_detection_results_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_results")),
    )
    with op.batch_alter_table("detection_results", schema=None) as batch_op:
        batch_op.create_index("ix_detection_results_session", ["session_id", "id"], unique=False)

    op.create_table(
        "event_batches",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("received_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_event_batches_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "batch_id", name=op.f("pk_event_batches")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("api_key_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_idempotency_keys_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_idempotency_keys_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("api_key_id", "key", name=op.f("pk_idempotency_keys")),
    )


def downgrade() -> None:

    op.drop_table("idempotency_keys")
    op.drop_table("event_batches")
    with op.batch_alter_table("detection_results", schema=None) as batch_op:
        batch_op.drop_index("ix_detection_results_session")

    op.drop_table("detection_results")
    with op.batch_alter_table("behavior_data", schema=None) as batch_op:
        batch_op.drop_index("ix_behavior_data_session_id")

    op.drop_table("behavior_data")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_survey_respondent")
        batch_op.drop_index("ix_sessions_survey_ip")
        batch_op.drop_index("ix_sessions_survey_device")
        batch_op.drop_index("ix_sessions_survey_created")
        batch_op.drop_index("ix_sessions_risk_created")
        batch_op.drop_index("ix_sessions_platform_created")
        batch_op.drop_index("ix_sessions_is_bot_created")
        batch_op.drop_index("ix_sessions_expires_at")
        batch_op.drop_index("ix_sessions_created_at_id")

    op.drop_table("sessions")
    op.drop_table("hourly_rollups")
    op.drop_table("api_keys")
