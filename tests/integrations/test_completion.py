"""Completed responses end to end: event in, fetch, score, write back; through the outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from botsieve.integrations import outbox
from botsieve.kit.db import transaction
from botsieve.models import OutboxJob, ScoredResponse
from tests.integrations.conftest import BASE, SURVEY, human_session
from tests.integrations.standins.qualtrics import FORM, completed_event

VALUES = {
    "startDate": "2026-11-28T09:00:00Z",
    "endDate": "2026-11-28T09:05:00Z",
    "status": 0,
    "progress": 100,
    "duration": 300,
    "finished": 1,
    "QID1": 3,
    "QID2_1": 4,
    "QID2_2": 2,
    "QID2_3": 5,
    "QID2_4": 1,
    "QID2_5": 3,
    "QID3_TEXT": "I liked the short questions and the clear layout.",
    "Q_RecaptchaScore": 0.9,
}


async def _jobs(app):
    async with transaction(app.state.botsieve.sessionmaker) as db:
        return list(await db.scalars(select(OutboxJob).order_by(OutboxJob.id)))


async def _scored(app, response_id):
    async with transaction(app.state.botsieve.sessionmaker) as db:
        return await db.scalar(
            select(ScoredResponse).where(ScoredResponse.response_id == response_id)
        )


async def _post_event(client, created, response_id):
    body = completed_event(SURVEY, response_id, created["shared_key"])
    reply = await client.post(created["event_path"], content=body, headers=FORM)
    assert reply.status_code == 200, reply.text
    return reply.json()


async def test_completion_fetches_scores_and_writes_back(
    app, client, admin, qualtrics, fake_qualtrics, outbound
):
    fake, _ = fake_qualtrics
    sid = await human_session(client, admin, "R_a")
    fake.add_response(SURVEY, "R_a", {**VALUES, "botsieve_session": sid})
    await _post_event(client, qualtrics, "R_a")
    assert await outbox.run_once(app.state.botsieve, outbound) == 1
    assert len(fake.writes) == 1
    response_id, body = fake.writes[0]
    assert response_id == "R_a"
    assert body["surveyId"] == SURVEY and body["resetRecordedDate"] is False
    embedded = body["embeddedData"]
    assert embedded["botsieve_status"] == "ok"
    assert embedded["botsieve_verdict"] in ("human", "bot")
    assert embedded["botsieve_quality"] == "100"
    assert all(isinstance(v, str) for v in embedded.values())
    scored = await _scored(app, "R_a")
    assert scored.written_back_at is not None and str(scored.session_id) == sid
    assert (await _jobs(app))[0].status == "done"


async def test_web_service_and_event_agree(app, client, admin, qualtrics, fake_qualtrics, outbound):
    fake, _ = fake_qualtrics
    sid = await human_session(client, admin, "R_b")
    headers = {"Authorization": f"Bearer {qualtrics['token']}"}
    body = {"survey_id": SURVEY, "response_id": "R_b", "session_id": sid}
    fields = (await client.post(f"{BASE}/qualtrics/score", json=body, headers=headers)).json()
    fake.add_response(SURVEY, "R_b", {**VALUES, "botsieve_session": sid})
    await _post_event(client, qualtrics, "R_b")
    await outbox.run_once(app.state.botsieve, outbound)
    embedded = fake.writes[0][1]["embeddedData"]
    assert embedded["botsieve_score"] == fields["score"]
    assert embedded["botsieve_verdict"] == fields["verdict"]


async def test_qualtrics_fraud_fields_are_extra_evidence(
    app, client, qualtrics, fake_qualtrics, outbound
):
    fake, _ = fake_qualtrics
    fake.add_response(
        SURVEY, "R_c", {**VALUES, "Q_RecaptchaScore": 0.1, "Q_DuplicateRespondent": "true"}
    )
    await _post_event(client, qualtrics, "R_c")
    await outbox.run_once(app.state.botsieve, outbound)
    flags = fake.writes[0][1]["embeddedData"]["botsieve_flags"].split(";")
    assert "q_recaptcha_low" in flags and "q_duplicate" in flags


async def test_platform_down_then_up_loses_nothing_and_writes_once(
    app, client, qualtrics, fake_qualtrics, outbound
):
    fake, server = fake_qualtrics
    fake.add_response(SURVEY, "R_d", VALUES)
    await _post_event(client, qualtrics, "R_d")
    server.stop()
    state = app.state.botsieve
    assert await outbox.run_once(state, outbound) == 1
    job = (await _jobs(app))[0]
    assert job.status == "pending" and job.attempts == 1 and job.last_error
    assert job.next_attempt_at > dt.datetime.now(dt.UTC)
    # Not due yet: nothing is attempted.
    assert await outbox.run_once(state, outbound) == 0
    server.start()
    later = job.next_attempt_at + dt.timedelta(seconds=1)
    assert await outbox.run_once(state, outbound, now=later) == 1
    assert await outbox.run_once(state, outbound, now=later + dt.timedelta(days=1)) == 0
    assert [w[0] for w in fake.writes] == ["R_d"]
    assert (await _jobs(app))[0].status == "done"


async def test_write_back_failing_is_retried_without_a_second_verdict(
    app, client, qualtrics, fake_qualtrics, outbound
):
    fake, _ = fake_qualtrics
    fake.add_response(SURVEY, "R_e", VALUES)
    fake.fail_puts = 1
    await _post_event(client, qualtrics, "R_e")
    state = app.state.botsieve
    await outbox.run_once(state, outbound)
    first = await _scored(app, "R_e")
    assert first.written_back_at is None and fake.writes == []
    job = (await _jobs(app))[0]
    await outbox.run_once(state, outbound, now=job.next_attempt_at + dt.timedelta(seconds=1))
    again = await _scored(app, "R_e")
    assert again.id == first.id and again.written_back_at is not None
    assert len(fake.writes) == 1


async def test_duplicate_deliveries_make_one_job_and_one_write(
    app, client, qualtrics, fake_qualtrics, outbound
):
    fake, _ = fake_qualtrics
    fake.add_response(SURVEY, "R_f", VALUES)
    for _ in range(3):
        await _post_event(client, qualtrics, "R_f")
    assert len(await _jobs(app)) == 1
    await outbox.run_once(app.state.botsieve, outbound)
    assert len(fake.writes) == 1


async def test_a_wrong_api_token_parks_the_job_until_the_token_is_fixed(
    app, client, admin, fake_qualtrics, outbound
):
    from tests.integrations.conftest import create_integration
    from tests.integrations.standins.qualtrics import API_TOKEN

    fake, server = fake_qualtrics
    fake.add_response(SURVEY, "R_g", VALUES)
    created = await create_integration(client, admin, base_url=server.url, api_token="wrong")
    await _post_event(client, created, "R_g")
    state = app.state.botsieve
    await outbox.run_once(state, outbound)
    job = (await _jobs(app))[0]
    assert job.status == "needs_attention" and job.last_status_code == 401
    # Parked, not retried on its own: a wrong token does not get better by waiting.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    assert await outbox.run_once(state, outbound, now=later) == 0
    entry = (await client.get(f"{BASE}/status", headers=admin)).json()["integrations"][0]
    assert "401" in entry["last_error"] and entry["needs_attention"] == 1
    assert entry["queue_depth"] == 0
    # A re-delivered event does not start a second job ...
    assert (await _post_event(client, created, "R_g"))["duplicate"] is True
    # ... fixing the token does: the parked job is due at once and succeeds.
    integration = created["integration"]["id"]
    fixed = await client.patch(
        f"{BASE}/{integration}", json={"api_token": API_TOKEN}, headers=admin
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["has_api_token"] is True
    assert await outbox.run_once(state, outbound) == 1
    assert [w[0] for w in fake.writes] == ["R_g"]
    assert (await _jobs(app))[0].status == "done"
    entry = (await client.get(f"{BASE}/status", headers=admin)).json()["integrations"][0]
    assert entry["needs_attention"] == 0


async def test_the_retry_action_requeues_a_parked_job(app, client, admin, fake_qualtrics, outbound):
    from tests.integrations.conftest import create_integration

    _, server = fake_qualtrics
    created = await create_integration(client, admin, base_url=server.url, api_token="x" * 20)
    integration = created["integration"]["id"]
    await _post_event(client, created, "R_retry")
    state = app.state.botsieve
    await outbox.run_once(state, outbound)
    assert (await _jobs(app))[0].status == "needs_attention"
    reply = await client.post(f"{BASE}/{integration}/retry", headers=admin)
    assert reply.status_code == 200 and reply.json() == {"requeued": 1}
    job = (await _jobs(app))[0]
    assert job.status == "pending" and job.attempts == 0
    # Still the wrong token: parked again, with the reason.
    await outbox.run_once(state, outbound)
    assert (await _jobs(app))[0].status == "needs_attention"
    viewer_less = await client.post(f"{BASE}/{integration}/retry")
    assert viewer_less.status_code == 401


async def test_patch_refuses_unknown_fields_and_unknown_integrations(client, admin, qualtrics):
    integration = qualtrics["integration"]["id"]
    bad = await client.patch(f"{BASE}/{integration}", json={"platform": "decipher"}, headers=admin)
    assert bad.status_code in (400, 422) and bad.json()["error"]["message"]
    missing = await client.patch(
        f"{BASE}/00000000-0000-0000-0000-000000000000", json={"name": "x"}, headers=admin
    )
    assert missing.status_code == 404
    renamed = await client.patch(f"{BASE}/{integration}", json={"name": "wave 2"}, headers=admin)
    assert renamed.json()["name"] == "wave 2"
    # null for a field that cannot be empty leaves it as it was
    kept = await client.patch(
        f"{BASE}/{integration}", json={"config": None, "api_token": None}, headers=admin
    )
    assert kept.status_code == 200 and kept.json()["has_api_token"] is True
    assert kept.json()["config"] == {}


async def test_status_shows_queue_depth_and_last_event(app, client, admin, qualtrics):
    await _post_event(client, qualtrics, "R_h")
    status = (await client.get(f"{BASE}/status", headers=admin)).json()
    entry = status["integrations"][0]
    assert entry["configured"] is True and entry["queue_depth"] == 1
    assert entry["last_event_at"] is not None


async def test_accepted_events_survive_a_restart_of_the_service(
    app, client, settings, qualtrics, fake_qualtrics, outbound
):
    from botsieve.app import create_app

    fake, _ = fake_qualtrics
    fake.add_response(SURVEY, "R_restart", VALUES)
    await _post_event(client, qualtrics, "R_restart")
    # A fresh service over the same database, as after a restart, finds the job and does it.
    restarted = create_app(settings)
    async with restarted.router.lifespan_context(restarted):
        assert await outbox.run_once(restarted.state.botsieve, outbound) == 1
    assert [w[0] for w in fake.writes] == ["R_restart"]


async def test_without_api_credentials_the_job_waits_and_status_says_why(
    app, client, admin, fake_qualtrics, outbound
):
    from tests.integrations.conftest import create_integration
    from tests.integrations.standins.qualtrics import API_TOKEN

    fake, server = fake_qualtrics
    fake.add_response(SURVEY, "R_i", VALUES)
    created = await create_integration(client, admin)
    await _post_event(client, created, "R_i")
    state = app.state.botsieve
    await outbox.run_once(state, outbound)
    assert (await _jobs(app))[0].status == "needs_attention"
    entry = (await client.get(f"{BASE}/status", headers=admin)).json()["integrations"][0]
    assert entry["configured"] is False and len(entry["missing"]) == 2
    integration = created["integration"]["id"]
    body = {"base_url": server.url, "api_token": API_TOKEN}
    assert (
        await client.patch(f"{BASE}/{integration}", json=body, headers=admin)
    ).status_code == 200
    assert await outbox.run_once(state, outbound) == 1
    assert [w[0] for w in fake.writes] == ["R_i"]


async def test_finished_jobs_are_forgotten_after_the_retention_period(
    app, client, qualtrics, fake_qualtrics, outbound
):
    fake, _ = fake_qualtrics
    fake.add_response(SURVEY, "R_old", VALUES)
    await _post_event(client, qualtrics, "R_old")
    state = app.state.botsieve
    await outbox.run_once(state, outbound)
    assert await outbox.purge_finished(state) == 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=state.settings.retention_days + 1)
    assert await outbox.purge_finished(state, now=later) == 1
    # A replay of the forgotten event is accepted but writes nothing again.
    await _post_event(client, qualtrics, "R_old")
    await outbox.run_once(state, outbound)
    assert len(fake.writes) == 1
