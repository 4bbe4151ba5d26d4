"""Decipher back-fill through its REST API (stand-in): verdicts and quality into the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from botsieve.integrations import outbox
from botsieve.kit.db import transaction
from botsieve.models import OutboxJob
from tests.factories import mouse_path, new_session, send_events
from tests.integrations.conftest import BASE, create_integration, human_session
from tests.integrations.standins.decipher import logic_node_call
from tests.integrations.standins.decipher_api import (
    API_KEY,
    FakeDecipher,
    grid_question,
    text_question,
)
from tests.integrations.standins.server import LoopbackServer

SURVEY = "selfserve/9d3/proj5678"
SCORE = f"{BASE}/decipher/score"
HIDDEN = ["hBotStatus", "hBotScore", "hBotVerdict", "hBotRisk", "hBotFlags"]
QUALITY = ["hBotQuality", "hBotQualityFlags"]


def _questions(*hidden: str):
    return [grid_question("q1", rows=6), text_question("q2"), *map(text_question, hidden)]


@pytest.fixture
def fake_decipher() -> Iterator[tuple[FakeDecipher, LoopbackServer]]:
    fake = FakeDecipher(SURVEY, _questions(*HIDDEN, *QUALITY, "hBotLabel", "hBotExclude"))
    server = LoopbackServer(fake.app).start()
    yield fake, server
    server.stop()


async def _integration(client, admin, server, **config):
    return await create_integration(
        client,
        admin,
        platform="decipher",
        survey_id=SURVEY,
        base_url=server.url,
        api_token=API_KEY,
        config=config,
    )


async def _node(client, created, uuid):
    body, headers = logic_node_call(created["token"], SURVEY, uuid)
    reply = await client.post(SCORE, content=body, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


async def _jobs(app):
    async with transaction(app.state.botsieve.sessionmaker) as db:
        return list(await db.scalars(select(OutboxJob).order_by(OutboxJob.id)))


async def _run(app, outbound, seconds=0.0):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    return await outbox.run_once(app.state.botsieve, outbound, now=later)


async def test_a_respondent_scored_after_leaving_gets_the_verdict_written_back(
    app, client, admin, fake_decipher, outbound
):
    fake, server = fake_decipher
    created = await _integration(client, admin, server)
    session = await new_session(client, admin, survey_id=SURVEY, respondent_id="u1a")
    assert (await send_events(client, admin, session, mouse_path(5))).status_code == 202
    # The logic node runs before the last page's events arrive.
    assert (await _node(client, created, "u1a"))["status"] == "provisional"
    later = mouse_path(120, start_t=5_000.0)
    assert (await send_events(client, admin, session, later, batch_id="b2")).status_code == 202
    fake.add_record("u1a", q1r1=2, q1r2=4, q1r3=1, q1r4=5, q1r5=3, q1r6=2, q2="a fair answer")
    # Not before the back-fill delay: the respondent may still be on the last page.
    assert await _run(app, outbound) == 0
    assert await _run(app, outbound, seconds=121) == 1
    record = fake.record("u1a")
    assert record["hBotStatus"] == "ok" and record["hBotVerdict"] in ("human", "bot")
    assert 0.0 <= float(record["hBotScore"]) <= 1.0
    assert record["hBotQuality"] != "" and "straightline" not in record["hBotQualityFlags"]
    assert [e["uuid"] for e in fake.edits] == ["u1a"]
    assert ("PUT", f"/api/v1/surveys/{SURVEY}/data/edit") in fake.calls
    assert (await _jobs(app))[0].status == "done"
    # The reconciliation export agrees with what was written.
    export = await client.get(f"/api/v1/surveys/{SURVEY}/responses?format=jsonl", headers=admin)
    assert '"status":"ok"' in export.text.replace(" ", "")


async def test_quality_flags_a_straightliner_from_the_datamap_grid(
    app, client, admin, fake_decipher, outbound
):
    fake, server = fake_decipher
    created = await _integration(client, admin, server, backfill_delay_seconds=0)
    await human_session(client, admin, "u2a", survey_id=SURVEY)
    assert (await _node(client, created, "u2a"))["status"] == "ok"
    fake.add_record("u2a", q1r1=3, q1r2=3, q1r3=3, q1r4=3, q1r5=3, q1r6=3, q2="ok")
    assert await _run(app, outbound) == 1
    record = fake.record("u2a")
    assert "straightline" in record["hBotQualityFlags"].split(";")
    assert record["hBotStatus"] == "ok"


async def test_a_respondent_not_in_the_data_yet_is_asked_for_again(
    app, client, admin, fake_decipher, outbound
):
    fake, server = fake_decipher
    created = await _integration(client, admin, server, backfill_delay_seconds=0)
    await human_session(client, admin, "u3a", survey_id=SURVEY)
    await _node(client, created, "u3a")
    assert await _run(app, outbound) == 1
    job = (await _jobs(app))[0]
    assert job.status == "pending" and "not in the data yet" in job.last_error
    fake.fail_next = [429]  # too many concurrent calls: also worth waiting for
    assert await _run(app, outbound, seconds=3600) == 1
    assert (await _jobs(app))[0].status == "pending"
    fake.add_record("u3a", q2="here now")
    assert await _run(app, outbound, seconds=7200) == 1
    assert (await _jobs(app))[0].status == "done" and fake.record("u3a")["hBotStatus"] == "ok"


async def test_a_refused_key_parks_the_job_until_the_integration_is_fixed(
    app, client, admin, fake_decipher, outbound
):
    fake, server = fake_decipher
    created = await create_integration(
        client,
        admin,
        platform="decipher",
        survey_id=SURVEY,
        base_url=server.url,
        api_token="0" * 64,
        config={"backfill_delay_seconds": 0},
    )
    await human_session(client, admin, "u4a", survey_id=SURVEY)
    await _node(client, created, "u4a")
    fake.add_record("u4a", q2="x")
    await _run(app, outbound)
    job = (await _jobs(app))[0]
    assert job.status == "needs_attention" and job.last_status_code == 401
    assert "invalid key" in job.last_error
    status = (await client.get(f"{BASE}/status", headers=admin)).json()["integrations"][0]
    assert status["needs_attention"] == 1 and "invalid key" in status["last_error"]
    [waiting] = status["waiting_jobs"]
    assert waiting["kind"] == "decipher.backfill" and waiting["response_id"] == "u4a"
    assert waiting["last_status_code"] == 401 and waiting["status"] == "needs_attention"
    integration = created["integration"]["id"]
    fixed = await client.patch(f"{BASE}/{integration}", json={"api_token": API_KEY}, headers=admin)
    assert fixed.status_code == 200
    assert await _run(app, outbound) == 1
    assert (await _jobs(app))[0].status == "done" and fake.record("u4a")["hBotStatus"] == "ok"
    status = (await client.get(f"{BASE}/status", headers=admin)).json()["integrations"][0]
    assert status["waiting_jobs"] == [] and status["needs_attention"] == 0


async def test_an_undeclared_variable_needs_attention_with_its_name(app, client, admin, outbound):
    fake = FakeDecipher(SURVEY, _questions(*HIDDEN))  # the quality variables were not declared
    server = LoopbackServer(fake.app).start()
    try:
        created = await _integration(client, admin, server, backfill_delay_seconds=0)
        await human_session(client, admin, "u5a", survey_id=SURVEY)
        await _node(client, created, "u5a")
        fake.add_record("u5a", q2="x")
        await _run(app, outbound)
        job = (await _jobs(app))[0]
        assert job.status == "needs_attention" and "bad variable hBotQuality" in job.last_error
        assert fake.edits == []
    finally:
        server.stop()


async def test_renamed_variables_are_written_under_their_names(app, client, admin, outbound):
    fake = FakeDecipher(SURVEY, _questions("bsStatus", *HIDDEN[1:], *QUALITY))
    server = LoopbackServer(fake.app).start()
    try:
        created = await _integration(
            client, admin, server, backfill_delay_seconds=0, variables={"status": "bsStatus"}
        )
        await human_session(client, admin, "u6a", survey_id=SURVEY)
        await _node(client, created, "u6a")
        fake.add_record("u6a", q2="x")
        await _run(app, outbound)
        assert fake.record("u6a")["bsStatus"] == "ok"
    finally:
        server.stop()


async def test_without_the_rest_api_or_with_an_unsafe_uuid_nothing_is_queued(
    app, client, admin, fake_decipher
):
    _, server = fake_decipher
    bare = await create_integration(client, admin, platform="decipher", survey_id=SURVEY)
    await _node(client, bare, "u7a")
    assert await _jobs(app) == []
    other = "selfserve/9d3/other"
    created = await create_integration(
        client,
        admin,
        platform="decipher",
        survey_id=other,
        base_url=server.url,
        api_token=API_KEY,
    )
    body, headers = logic_node_call(created["token"], other, 'u" or True or "')
    assert (await client.post(SCORE, content=body, headers=headers)).status_code == 200
    assert await _jobs(app) == []  # never put into a condition Decipher evaluates


async def test_a_label_flows_back_into_the_decipher_data(
    app, client, admin, fake_decipher, outbound
):
    fake, server = fake_decipher
    created = await _integration(client, admin, server, backfill_delay_seconds=0)
    sid = await human_session(client, admin, "u8a", survey_id=SURVEY)
    await _node(client, created, "u8a")
    fake.add_record("u8a", q2="x")
    reply = await client.put(
        f"/api/v1/dashboard/sessions/{sid}/label", json={"label": "bot"}, headers=admin
    )
    assert reply.status_code == 200, reply.text
    while await _run(app, outbound):
        pass
    record = fake.record("u8a")
    # The label travels; the exclusion stays the decision's (a person-like session: kept).
    assert record["hBotLabel"] == "bot" and record["hBotExclude"] == "0"
    assert {j.kind for j in await _jobs(app)} == {"decipher.backfill", "decipher.label"}


async def test_the_decision_is_written_only_to_a_survey_that_asks_for_it(
    app, client, admin, outbound
):
    """``config.write_decision`` adds the survey rule's decision (``hBotDecision``) to the
    back-fill; without it the edit is the one every guided survey declares, so a survey
    without the variable is not refused ("bad variable") for a variable it never asked for."""
    fake = FakeDecipher(SURVEY, _questions(*HIDDEN, *QUALITY, "hBotDecision"))
    server = LoopbackServer(fake.app).start()
    try:
        rules = f"/api/v1/decision-rules/surveys/{SURVEY}"
        assert (await client.put(rules, json={"threshold": 0.0}, headers=admin)).is_success
        plain = await _integration(client, admin, server, backfill_delay_seconds=0)
        await human_session(client, admin, "u9a", survey_id=SURVEY)
        await _node(client, plain, "u9a")
        fake.add_record("u9a", q2="x")
        await _run(app, outbound)
        assert "hBotDecision" not in fake.edits[-1]
        assert fake.record("u9a")["hBotStatus"] == "ok"
        # The same survey, opted in (PATCH keeps the other settings given with it).
        config = {"backfill_delay_seconds": 0, "write_decision": True}
        patched = await client.patch(
            f"{BASE}/{plain['integration']['id']}", json={"config": config}, headers=admin
        )
        assert patched.status_code == 200, patched.text
        await human_session(client, admin, "u9b", survey_id=SURVEY)
        reply = await _node(client, plain, "u9b")
        fake.add_record("u9b", q2="y")
        await _run(app, outbound)
        record = fake.record("u9b")
        # Under a rule excluding every score: the decision, as the live reply said it.
        assert record["hBotDecision"] == reply["decision"] == "exclude"
        assert record["hBotVerdict"] == "bot"
    finally:
        server.stop()


async def test_the_decision_variable_can_be_renamed(app, client, admin, outbound):
    fake = FakeDecipher(SURVEY, _questions(*HIDDEN, *QUALITY, "bsDecision"))
    server = LoopbackServer(fake.app).start()
    try:
        created = await _integration(
            client,
            admin,
            server,
            backfill_delay_seconds=0,
            write_decision=True,
            variables={"decision": "bsDecision"},
        )
        await human_session(client, admin, "u10a", survey_id=SURVEY)
        await _node(client, created, "u10a")
        fake.add_record("u10a", q2="x")
        await _run(app, outbound)
        assert fake.record("u10a")["bsDecision"] in ("keep", "review", "exclude")
    finally:
        server.stop()
