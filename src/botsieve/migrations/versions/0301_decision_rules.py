"""Decision rules per survey; each session keeps the engine's verdict and the rule's decision.

Revision ID: 0301
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import botsieve.models.base

revision = "0301"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "decision_rules",
        sa.Column("survey_id", sa.String(length=128), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("review_from", sa.Float(), nullable=True),
        sa.Column("updated_at", botsieve.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint("survey_id"),
    )
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("verdict", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("decision", sa.String(length=24), nullable=True))
    with op.batch_alter_table("detection_results") as batch:
        batch.add_column(sa.Column("verdict", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("missing_evidence", JSON, nullable=True))
    # Sessions analysed before rules existed were decided at the model's own threshold.
    op.execute(
        "UPDATE sessions SET verdict = CASE WHEN is_bot THEN 'bot' ELSE 'human' END, "
        "decision = CASE WHEN is_bot THEN 'exclude' ELSE 'keep' END WHERE is_bot IS NOT NULL"
    )
    op.create_index("ix_sessions_decision_created", "sessions", ["decision", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_sessions_decision_created", table_name="sessions")
    with op.batch_alter_table("detection_results") as batch:
        batch.drop_column("missing_evidence")
        batch.drop_column("verdict")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("decision")
        batch.drop_column("verdict")
    op.drop_table("decision_rules")
