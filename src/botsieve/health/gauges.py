"""Gauges read at scrape time: what the database and the disk say, not what a process counted.

Counters and histograms (kit/metrics.py) count what one process did. Outbox depth, parked jobs,
bot rates per survey and database readiness are facts about the shared database, so every
instance reports the same values, read when Prometheus scrapes. Each read has a time limit: a
scrape must answer quickly, even while the database does not (``botsieve_database_up`` 0 then).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from botsieve import __version__
from botsieve.kit.state import AppState
from botsieve.models.base import utcnow

READ_TIMEOUT_SECONDS = 2.0
TOP_SURVEYS = 50

OUTBOX_BY_STATUS = text(
    "SELECT status, kind, count(*) FROM integration_outbox GROUP BY status, kind"
)
OUTBOX_OLDEST_DUE = text(
    "SELECT min(next_attempt_at) FROM integration_outbox "
    "WHERE status = 'pending' AND next_attempt_at <= :now"
)
SURVEYS_LAST_DAY = text(
    "SELECT survey_id, sum(analyzed), sum(bots) FROM hourly_rollups WHERE bucket >= :since "
    "GROUP BY survey_id ORDER BY sum(analyzed) DESC LIMIT :top"
)


@dataclass
class Reading:
    database_up: bool = False
    redis_up: bool | None = None
    outbox: dict[tuple[str, str], int] = field(default_factory=dict)
    outbox_oldest_due_seconds: float = 0.0
    surveys: list[tuple[str, int, int]] = field(default_factory=list)
    database_bytes: int | None = None


def _as_time(value: object) -> dt.datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def _database_size(conn: AsyncConnection) -> int | None:
    if conn.dialect.name == "postgresql":
        size = await conn.scalar(text("SELECT pg_database_size(current_database())"))
    else:
        size = await conn.scalar(
            text("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        )
    return int(size) if size is not None else None


async def _read_database(state: AppState, reading: Reading) -> None:
    now = utcnow()
    async with state.db_engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        reading.database_up = True
        rows = (await conn.execute(OUTBOX_BY_STATUS)).all()
        reading.outbox = {(str(status), str(kind)): int(n) for status, kind, n in rows}
        oldest = _as_time(await conn.scalar(OUTBOX_OLDEST_DUE, {"now": now}))
        if oldest is not None:
            reading.outbox_oldest_due_seconds = max(0.0, (now - oldest).total_seconds())
        since = now - dt.timedelta(hours=24)
        surveys = await conn.execute(SURVEYS_LAST_DAY, {"since": since, "top": TOP_SURVEYS})
        reading.surveys = [(str(s), int(a or 0), int(b or 0)) for s, a, b in surveys.all()]
        reading.database_bytes = await _database_size(conn)


async def read(state: AppState) -> Reading:
    reading = Reading()
    # Down, slow or mid-migration: reported as not up, never as a failed scrape.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(_read_database(state, reading), READ_TIMEOUT_SECONDS)
    if state.redis is not None:
        try:
            reading.redis_up = bool(await asyncio.wait_for(state.redis.ping(), 1.0))
        except Exception:
            reading.redis_up = False
    return reading


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def _pool_figure(pool: object, name: str) -> float:
    """A queue pool's figure; pools that keep no connections (NullPool) have none: 0."""
    figure = getattr(pool, name, None)
    return float(figure()) if callable(figure) else 0.0


def _families(state: AppState, reading: Reading) -> Iterator[object]:
    info = InfoMetricFamily("botsieve_build", "The running version")
    info.add_metric([], {"version": __version__})
    yield info
    yield _gauge("botsieve_database_up", "1 when the database answered", reading.database_up)
    # Without Redis configured the family is declared with no sample: nothing to alert on.
    redis = GaugeMetricFamily("botsieve_redis_up", "1 when Redis answered (when configured)")
    if reading.redis_up is not None:
        redis.add_metric([], reading.redis_up)
    yield redis
    pool = state.db_engine.sync_engine.pool
    yield _gauge(
        "botsieve_db_pool_checked_out",
        "Connections this process has taken from its pool",
        _pool_figure(pool, "checkedout"),
    )
    yield _gauge("botsieve_db_pool_size", "Connections this pool keeps", _pool_figure(pool, "size"))
    jobs = GaugeMetricFamily(
        "botsieve_outbox_jobs",
        "Outbox jobs by status (dead = parked) and kind",
        labels=["status", "kind"],
    )
    for (status, kind), count in sorted(reading.outbox.items()):
        jobs.add_metric([status, kind], count)
    yield jobs
    yield _gauge(
        "botsieve_outbox_oldest_due_seconds",
        "How long the oldest due job has waited for its attempt",
        reading.outbox_oldest_due_seconds,
    )
    analyzed = GaugeMetricFamily(
        "botsieve_survey_analyzed_24h", "Sessions analysed in the last 24 h", labels=["survey"]
    )
    bots = GaugeMetricFamily(
        "botsieve_survey_bots_24h", "Sessions judged bots in the last 24 h", labels=["survey"]
    )
    for survey, n_analyzed, n_bots in reading.surveys:
        analyzed.add_metric([survey], n_analyzed)
        bots.add_metric([survey], n_bots)
    yield analyzed
    yield bots
    if reading.database_bytes is not None:
        yield _gauge("botsieve_database_bytes", "Size of the database", reading.database_bytes)
    usage = shutil.disk_usage(
        state.settings.data_dir if os.path.isdir(state.settings.data_dir) else "."
    )
    yield _gauge("botsieve_data_dir_free_bytes", "Free space where data_dir lives", usage.free)
    yield _gauge("botsieve_data_dir_size_bytes", "Size of the disk data_dir is on", usage.total)


class _Snapshot:
    def __init__(self, families: list[object]) -> None:
        self.families = families

    def collect(self) -> list[object]:
        return self.families


async def render(state: AppState) -> bytes:
    reading = await read(state)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(list(_families(state, reading))))  # type: ignore[arg-type]
    return generate_latest(registry)
