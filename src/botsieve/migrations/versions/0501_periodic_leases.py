"""Periodic leases: one turn of each periodic task across every instance.

Revision ID: 0501
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import botsieve.models.base

revision = "0501"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "periodic_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("due_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_periodic_leases")),
    )


def downgrade() -> None:
    op.drop_table("periodic_leases")
