"""The model threshold stored decisions follow, so a retrained model relabels them.

Revision ID: 0321
Revises: 0302
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import botsieve.models.base

revision = "0321"
down_revision = "0302"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_basis",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("updated_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("decision_basis")
