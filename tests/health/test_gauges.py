"""Gauges read at scrape time from the shared database: outbox, parked jobs, readiness."""

from __future__ import annotations

import datetime as dt

from prometheus_client.parser import text_string_to_metric_families

from botsieve.health import gauges
from botsieve.kit.db import create_engine, transaction
from botsieve.models import OutboxJob
from botsieve.models.base import utcnow


def _samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


async def test_outbox_depth_age_and_parked_jobs(app):
    state = app.state.botsieve
    now = utcnow()
    async with transaction(state.sessionmaker) as db:
        for i, (status, kind, due) in enumerate(
            [
                ("pending", "webhook", now - dt.timedelta(minutes=12)),
                ("pending", "webhook", now + dt.timedelta(minutes=5)),
                ("dead", "qualtrics_writeback", now - dt.timedelta(hours=1)),
                ("done", "webhook", now - dt.timedelta(hours=2)),
            ]
        ):
            db.add(
                OutboxJob(
                    kind=kind,
                    dedupe_key=f"job-{i}",
                    payload={},
                    status=status,
                    next_attempt_at=due,
                    created_at=now,
                )
            )
    samples = _samples(await gauges.render(state))
    assert samples[("botsieve_database_up", ())] == 1
    assert samples[("botsieve_outbox_jobs", (("kind", "webhook"), ("status", "pending")))] == 2
    parked = ("botsieve_outbox_jobs", (("kind", "qualtrics_writeback"), ("status", "dead")))
    assert samples[parked] == 1
    # Only the job already due counts as waiting: about twelve minutes.
    assert 11 * 60 < samples[("botsieve_outbox_oldest_due_seconds", ())] < 13 * 60
    assert samples[("botsieve_database_bytes", ())] > 0
    assert (
        samples[("botsieve_data_dir_size_bytes", ())]
        >= samples[("botsieve_data_dir_free_bytes", ())]
    )


async def test_an_unreachable_database_reads_as_down_without_failing_the_scrape(app):
    state = app.state.botsieve
    working = state.db_engine
    state.db_engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        samples = _samples(await gauges.render(state))
    finally:
        await state.db_engine.dispose()
        state.db_engine = working
    assert samples[("botsieve_database_up", ())] == 0
    assert ("botsieve_outbox_oldest_due_seconds", ()) in samples


async def test_the_scrape_carries_the_gauges(client, admin):
    body = (await client.get("/metrics", headers=admin)).text
    assert "botsieve_database_up 1.0" in body
    assert 'botsieve_build_info{version="' in body
