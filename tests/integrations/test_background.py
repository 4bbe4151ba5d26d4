"""The platforms' calls only read: the analysis is made once a session's batches pause.

Here the calls do not analyse themselves (``integrations_inline_analysis`` off, as in
production): a call that finds no stored analysis covering the session answers
``provisional``, queues it, and converges once the background queue has made it.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from botsieve.analysis import background
from botsieve.kit.db import transaction
from botsieve.kit.settings import Settings
from botsieve.models import DetectionResult, Session
from tests.factories import mouse_path, new_session, send_events
from tests.integrations.conftest import BASE, SURVEY, create_integration

SCORE = f"{BASE}/qualtrics/score"
ENTRY = f"{BASE}/qualtrics/entry"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # A short pause so that the tests do not idle; they wait for the queue, never for a time.
    return settings.model_copy(
        update={"integrations_inline_analysis": False, "analysis_quiet_seconds": 0.05}
    )


def queue_of(app: Any) -> background.BackgroundAnalysis:
    queue = background.of(app.state.botsieve)
    assert queue is not None
    return queue


async def analyses_of(app: Any, session_id: str) -> int:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        count = await db.scalar(
            select(func.count())
            .select_from(DetectionResult)
            .where(DetectionResult.session_id == uuid.UUID(session_id))
        )
    return int(count or 0)


async def session_row(app: Any, session_id: str) -> Session:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        row = await db.get(Session, uuid.UUID(session_id))
    assert row is not None
    return row


async def call(client, path: str, created: dict[str, Any], response_id: str, sid: str) -> dict:
    body = {"survey_id": SURVEY, "response_id": response_id, "session_id": sid}
    reply = await client.post(
        path, json=body, headers={"Authorization": f"Bearer {created['token']}"}
    )
    assert reply.status_code == 200, reply.text
    result: dict[str, Any] = reply.json()
    return result


async def respondent(client, admin, response_id: str, events: int = 120, **body: Any) -> str:
    session = await new_session(client, admin, respondent_id=response_id, **body)
    assert (await send_events(client, admin, session, mouse_path(events))).status_code == 202
    return str(session["session_id"])


async def test_a_session_is_analysed_once_its_batches_pause_without_any_call(app, client, admin):
    await create_integration(client, admin)
    served = await respondent(client, admin, "R_served", survey_id=SURVEY)
    # Nobody will ask for this one's verdict: no integration serves its survey.
    unserved = await respondent(client, admin, "R_other", survey_id="SV_nointegration")
    await queue_of(app).settle()
    assert await analyses_of(app, served) == 1
    assert await analyses_of(app, unserved) == 0


async def test_the_score_call_reads_the_stored_analysis_and_does_not_analyse_again(
    app, client, admin
):
    created = await create_integration(client, admin)
    sid = await respondent(client, admin, "R_1", survey_id=SURVEY)
    queue = queue_of(app)
    await queue.settle()
    made = queue.analysed
    reply = await call(client, SCORE, created, "R_1", sid)
    assert reply["status"] == "ok" and reply["score"] != ""
    # The end call closes the session (from the queue, which does not analyse again).
    await queue.settle()
    assert (await session_row(app, sid)).is_completed
    assert queue.analysed == made and await analyses_of(app, sid) == 1


async def test_a_call_before_the_analysis_is_provisional_and_the_next_one_converges(
    app, client, admin
):
    created = await create_integration(client, admin)
    queue = queue_of(app)
    # The platform's call comes while the respondent's last batch is still in its pause: the
    # queue is held so that the call surely finds nothing, however slow the machine.
    with queue.paused():
        sid = await respondent(client, admin, "R_2", survey_id=SURVEY)
        early = await call(client, SCORE, created, "R_2", sid)
        entry = await call(client, ENTRY, created, "R_2", sid)
        assert await analyses_of(app, sid) == 0
    assert early["status"] == "provisional" and early["score"] == ""
    assert "analysis_pending" in early["flags"].split(";")
    # Not enough evidence yet at entry is let through, flagged (fail mode open).
    assert entry["status"] == "provisional" and entry["decision"] == "review"
    await queue.settle()
    later = await call(client, SCORE, created, "R_2", sid)
    assert later["status"] == "ok" and later["score"] != ""
    assert await analyses_of(app, sid) == 1
    assert (await session_row(app, sid)).is_completed


async def test_fail_closed_blocks_at_entry_while_the_analysis_is_pending(app, client, admin):
    created = await create_integration(client, admin, config={"fail_mode": "closed"})
    queue = queue_of(app)
    with queue.paused():
        sid = await respondent(client, admin, "R_3", survey_id=SURVEY)
        entry = await call(client, ENTRY, created, "R_3", sid)
    assert entry["status"] == "provisional" and entry["decision"] == "block"
    await queue.settle()
    decided = await call(client, ENTRY, created, "R_3", sid)
    assert decided["status"] == "ok" and decided["decision"] in ("pass", "review", "block")


async def test_new_events_after_the_analysis_make_the_call_provisional_again(app, client, admin):
    created = await create_integration(client, admin)
    queue = queue_of(app)
    session = await new_session(client, admin, respondent_id="R_4", survey_id=SURVEY)
    assert (await send_events(client, admin, session, mouse_path(60))).status_code == 202
    await queue.settle()
    sid = str(session["session_id"])
    assert (await call(client, ENTRY, created, "R_4", sid))["status"] == "ok"
    with queue.paused():
        more = mouse_path(60, start_t=60 * 16.7)
        assert (await send_events(client, admin, session, more, batch_id="b2")).status_code == 202
        # The stored analysis saw 60 of 120 events: not this response's verdict.
        assert (await call(client, SCORE, created, "R_4", sid))["status"] == "provisional"
    await queue.settle()
    assert (await call(client, SCORE, created, "R_4", sid))["status"] == "ok"
    assert await analyses_of(app, sid) == 2


async def test_the_engine_runs_in_a_worker_process_that_stops_with_the_queue(app, client, admin):
    created = await create_integration(client, admin)
    queue = queue_of(app)
    assert queue.workers is not None  # analysis_processes: 1, as in production
    sid = await respondent(client, admin, "R_5", survey_id=SURVEY)
    await queue.settle()
    assert (await call(client, SCORE, created, "R_5", sid))["status"] == "ok"
    pool = queue.workers._pool
    assert pool is not None
    workers = list(pool._processes.values())
    assert workers and all(p.pid != os.getpid() and p.is_alive() for p in workers)
    queue.close()
    assert not any(p.is_alive() for p in workers)


async def test_without_worker_processes_the_engine_runs_in_the_loop(app, client, admin, settings):
    state = app.state.botsieve
    in_the_loop = background.BackgroundAnalysis(
        dataclasses.replace(state, settings=settings.model_copy(update={"analysis_processes": 0}))
    )
    assert in_the_loop.workers is None
    created = await create_integration(client, admin)
    queue = queue_of(app)
    queue.close()  # this app's own queue answers on the loop from here
    queue.workers = None
    sid = await respondent(client, admin, "R_6", survey_id=SURVEY)
    await queue.settle()
    assert (await call(client, SCORE, created, "R_6", sid))["status"] == "ok"
