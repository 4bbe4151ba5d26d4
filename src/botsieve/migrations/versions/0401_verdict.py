"""Keep the engine's verdict with each result: bot, human or not enough evidence (and what is
missing), and how many independent lines of evidence spoke; keep each session's stroke
signatures, to find a farm's stroke library reused across sessions.

Revision ID: 0401
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0401"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(sa.Column("stroke_signatures", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("detection_results") as batch_op:
        batch_op.add_column(
            sa.Column("verdict", sa.String(length=24), nullable=False, server_default="human")
        )
        batch_op.add_column(
            sa.Column(
                "missing_evidence",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("lines_of_evidence", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("detection_results") as batch_op:
        batch_op.drop_column("lines_of_evidence")
        batch_op.drop_column("missing_evidence")
        batch_op.drop_column("verdict")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("stroke_signatures")
