"""Indexes on analysis results cover analysed sessions only, so creating a session writes fewer.

Revision ID: 0520
Revises: 0501
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0520"
down_revision = "0501"
branch_labels = None
# The decision index is made by 0301 (another branch).
depends_on = ("0301",)

COLUMNS = {
    "ix_sessions_risk_created": "risk_level",
    "ix_sessions_is_bot_created": "is_bot",
    "ix_sessions_decision_created": "decision",
}


def upgrade() -> None:
    for name, column in COLUMNS.items():
        where = sa.text(f"{column} IS NOT NULL")
        with op.batch_alter_table("sessions", schema=None) as batch_op:
            batch_op.drop_index(name)
            batch_op.create_index(
                name,
                [column, "created_at"],
                unique=False,
                postgresql_where=where,
                sqlite_where=where,
            )


def downgrade() -> None:
    for name, column in COLUMNS.items():
        with op.batch_alter_table("sessions", schema=None) as batch_op:
            batch_op.drop_index(name)
            batch_op.create_index(name, [column, "created_at"], unique=False)
