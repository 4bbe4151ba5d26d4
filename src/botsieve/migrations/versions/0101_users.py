"""dashboard users and saved settings

Revision ID: 0101
Revises: 0001

"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import botsieve.models.base

revision = "0101"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "dashboard_settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "value", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dashboard_settings")),
    )


def downgrade() -> None:
    op.drop_table("dashboard_settings")
    op.drop_table("users")
