"""The review queue: a session's review state, and the history of review decisions.

Revision ID: 0302
Revises: 0301
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import botsieve.models.base

revision = "0302"
down_revision = "0301"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("review_state", sa.String(length=16), nullable=True))
    op.create_table(
        "review_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=254), nullable=False),
        sa.Column("decided_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_events_session", "review_events", ["session_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_review_events_session", table_name="review_events")
    op.drop_table("review_events")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("review_state")
