"""Keep with each result how many independent lines of evidence spoke, and with each session
its stroke signatures, to find a farm's stroke library reused across sessions.

Revision ID: 0401
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0401"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(sa.Column("stroke_signatures", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("detection_results") as batch_op:
        batch_op.add_column(
            sa.Column("lines_of_evidence", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("detection_results") as batch_op:
        batch_op.drop_column("lines_of_evidence")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("stroke_signatures")
