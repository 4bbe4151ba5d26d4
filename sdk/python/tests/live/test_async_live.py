"""The asyncio client against a real service: the same calls, awaited."""

from __future__ import annotations

import asyncio

import pytest

from botsieve_client import AsyncClient, NotFoundError

from .conftest import ENVIRONMENT, pointer_events


async def test_async_session_life(async_client: AsyncClient, survey_id: str) -> None:
    session = await async_client.create_session(survey_id, environment=ENVIRONMENT)
    accepted = await async_client.send_events(session, pointer_events(30))
    assert accepted.event_count == 30
    assert (await async_client.ready_for_analysis(session)).ready is True
    result = await async_client.complete(session)
    assert (await async_client.latest_result(session)).created_at == result.created_at
    assert (await async_client.session_status(session)).is_completed is True
    details = await async_client.session_details(session)
    assert details.events.total == 30
    columns = await async_client.session_events(session)
    assert len(columns.events["mousemove"]["t"]) == 29
    assert (await async_client.delete_session(session)).sessions_deleted == 1
    with pytest.raises(NotFoundError):
        await async_client.session_status(session)


async def test_async_batches_in_parallel_are_all_stored(
    async_client: AsyncClient, survey_id: str
) -> None:
    session = await async_client.create_session(survey_id)
    batches = [pointer_events(10, start_t=1000.0 * i) for i in range(4)]
    answers = await asyncio.gather(*(async_client.send_events(session, b) for b in batches))
    assert sorted(a.accepted for a in answers) == [10, 10, 10, 10]
    assert (await async_client.session_status(session)).event_count == 40


async def test_async_iteration_and_overview(async_client: AsyncClient, survey_id: str) -> None:
    made = [await async_client.create_session(survey_id) for _ in range(3)]
    rows = [r async for r in async_client.iter_sessions(survey_id=survey_id, page_size=2)]
    assert [r.session_id for r in rows] == [s.session_id for s in reversed(made)]
    overview = await async_client.overview(survey_id=survey_id)
    assert overview.totals.sessions == 3
    assert (await async_client.delete_respondent(survey_id, "nobody")).sessions_deleted == 0
