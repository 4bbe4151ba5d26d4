"""On PostgreSQL, events are partitioned by the time they were stored (maintenance/partitions.py).

The rows stored so far stay where they are: the old table becomes the partition of everything
before the current period (no copy). SQLite is left as it is.

Revision ID: 0521
Revises: 0520
"""

from __future__ import annotations

import datetime as dt

from alembic import op

from botsieve.maintenance.partitions import (
    BEFORE,
    DEFAULT,
    TABLE,
    period_name,
    period_start,
)

revision = "0521"
down_revision = "0520"
branch_labels = None
depends_on = None

# The job makes periods of the configured length from here on (event_partition_days).
DAYS = 7
AHEAD = 4
COLUMNS = """
    id BIGINT NOT NULL DEFAULT nextval('behavior_data_id_seq'),
    session_id UUID NOT NULL,
    event_type VARCHAR(24) NOT NULL,
    "timestamp" DOUBLE PRECISION NOT NULL,
    event_count INTEGER NOT NULL,
    data BYTEA NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL"""
FOREIGN_KEY = (
    "CONSTRAINT fk_behavior_data_session_id_sessions FOREIGN KEY (session_id) "
    "REFERENCES sessions (id) ON DELETE CASCADE"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    first = period_start(dt.datetime.now(dt.UTC), DAYS)
    op.execute(f"ALTER TABLE {TABLE} RENAME TO {BEFORE}")
    # Attaching gives it the partitioned key (id, created_at) in place of its own.
    op.execute(f"ALTER TABLE {BEFORE} DROP CONSTRAINT pk_behavior_data")
    op.execute(f"ALTER TABLE {BEFORE} DROP CONSTRAINT fk_behavior_data_session_id_sessions")
    op.execute(f"ALTER INDEX ix_behavior_data_session_id RENAME TO ix_{BEFORE}_session_id")
    op.execute(
        f"CREATE TABLE {TABLE} ({COLUMNS}, "
        f"CONSTRAINT pk_behavior_data PRIMARY KEY (id, created_at), {FOREIGN_KEY}) "
        "PARTITION BY RANGE (created_at)"
    )
    op.execute(f"ALTER SEQUENCE behavior_data_id_seq OWNED BY {TABLE}.id")
    op.execute(f"CREATE INDEX ix_behavior_data_session_id ON {TABLE} (session_id, id)")
    op.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {BEFORE} "
        f"FOR VALUES FROM (MINVALUE) TO ('{first.isoformat()}')"
    )
    start = first
    for _ in range(AHEAD + 1):
        end = start + dt.timedelta(days=DAYS)
        op.execute(
            f"CREATE TABLE {period_name(start)} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
        start = end
    op.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE TABLE {TABLE}_plain ({COLUMNS})")
    op.execute(f"INSERT INTO {TABLE}_plain SELECT * FROM {TABLE}")
    op.execute(f"ALTER SEQUENCE behavior_data_id_seq OWNED BY {TABLE}_plain.id")
    op.execute(f"DROP TABLE {TABLE}")  # and every partition with it
    op.execute(f"ALTER TABLE {TABLE}_plain RENAME TO {TABLE}")
    op.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT pk_behavior_data PRIMARY KEY (id)")
    op.execute(f"ALTER TABLE {TABLE} ADD {FOREIGN_KEY}")
    op.execute(f"CREATE INDEX ix_behavior_data_session_id ON {TABLE} (session_id, id)")
