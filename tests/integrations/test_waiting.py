"""A call that comes with the last batch waits a moment for its analysis, unless a burst is
queued before it.

The platform's call usually arrives in the same second as the respondent's last page of
behaviour: before the batches have paused, so the background queue has not analysed it yet.
Answering ``provisional`` then leaves the survey's branch logic nothing to act on for every
respondent (``python -m bench.guided``: 20 of 20). Here the call waits for the queue, which it
asks to analyse at once; in a burst, with more than ``WAIT_AHEAD`` sessions queued before it,
it answers at once as before. The patience is set far above any analysis here: each wait ends
when the analysis is made, never at a time a busy machine might miss.
"""

from __future__ import annotations

import uuid

import pytest

from botsieve.analysis import background
from botsieve.kit.settings import Settings
from tests.integrations.conftest import BASE, SURVEY, create_integration
from tests.integrations.standins.decipher import logic_node_call
from tests.integrations.test_background import (
    ENTRY,
    SCORE,
    analyses_of,
    call,
    queue_of,
    respondent,
    session_row,
)

PATIENCE_S = 600.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # A quiet period far longer than any test: only the call's own request starts an analysis.
    return settings.model_copy(
        update={
            "integrations_inline_analysis": False,
            "analysis_quiet_seconds": 600.0,
            "integrations_call_wait_seconds": PATIENCE_S,
        }
    )


async def test_the_end_call_right_after_the_last_batch_gets_the_verdict(app, client, admin):
    created = await create_integration(client, admin)
    sid = await respondent(client, admin, "R_w1", survey_id=SURVEY)
    assert await analyses_of(app, sid) == 0  # the batches have not paused yet
    reply = await call(client, SCORE, created, "R_w1", sid)
    assert reply["status"] == "ok" and reply["score"] != ""
    assert "analysis_pending" not in reply["flags"].split(";")
    assert await analyses_of(app, sid) == 1
    assert (await session_row(app, sid)).is_completed
    # The entry check of another respondent waits the same way, and completes nothing.
    other = await respondent(client, admin, "R_w2", survey_id=SURVEY)
    entry = await call(client, ENTRY, created, "R_w2", other)
    assert entry["status"] == "ok" and entry["decision"] in ("pass", "review", "block")
    assert not (await session_row(app, other)).is_completed


async def test_decipher_s_logic_node_right_after_the_last_page_gets_the_verdict(app, client, admin):
    survey = "selfserve/9d3/proj2468"
    created = await create_integration(client, admin, platform="decipher", survey_id=survey)
    sid = await respondent(client, admin, "uuid-w3", survey_id=survey)
    assert await analyses_of(app, sid) == 0
    body, headers = logic_node_call(created["token"], survey, "uuid-w3")
    reply = await client.post(f"{BASE}/decipher/score", content=body, headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "ok" and await analyses_of(app, sid) == 1


async def test_a_call_behind_a_burst_answers_at_once(app, client, admin):
    created = await create_integration(client, admin)
    queue = queue_of(app)
    with queue.paused():
        ahead = [
            await respondent(client, admin, f"R_b{i}", survey_id=SURVEY)
            for i in range(background.WAIT_AHEAD + 1)
        ]
        for sid in ahead:  # their calls came first: each queued to be analysed at once
            queue.soon(uuid.UUID(sid), now=True)
        last = await respondent(client, admin, "R_last", survey_id=SURVEY)
        # Held, the queue makes nothing: a call that waited would come back only when its
        # patience ran out, still waited on; this one never waits.
        reply = await call(client, SCORE, created, "R_last", last)
        assert not queue.waited_on(uuid.UUID(last))
    assert reply["status"] == "provisional"
    assert "analysis_pending" in reply["flags"].split(";")
    await queue.settle()
    assert (await call(client, SCORE, created, "R_last", last))["status"] == "ok"
