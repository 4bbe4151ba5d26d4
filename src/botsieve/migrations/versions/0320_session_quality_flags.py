"""The latest analysis's quality flags on the session, for the list's column and filter.

Revision ID: 0320
Revises: 0302
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0320"
down_revision = "0302"
branch_labels = None
depends_on = None

BATCH = 1000


def _backfill() -> None:
    """Copy each analysed session's latest flags from its detection results."""
    conn = op.get_bind()
    results = sa.table(
        "detection_results",
        sa.column("id", sa.BigInteger()),
        sa.column("session_id", sa.Uuid()),
        sa.column("quality_flags", sa.JSON()),
    )
    sessions = sa.table("sessions", sa.column("id", sa.Uuid()), sa.column("quality_flags"))
    latest = sa.select(sa.func.max(results.c.id)).group_by(results.c.session_id)
    rows = conn.execute(
        sa.select(results.c.session_id, results.c.quality_flags).where(results.c.id.in_(latest))
    ).all()
    update = (
        sa.update(sessions)
        .where(sessions.c.id == sa.bindparam("sid"))
        .values(quality_flags=sa.bindparam("flags"))
    )
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        conn.execute(update, [{"sid": sid, "flags": " ".join(flags or [])} for sid, flags in chunk])


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("quality_flags", sa.String(length=200), nullable=True))
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("quality_flags")
