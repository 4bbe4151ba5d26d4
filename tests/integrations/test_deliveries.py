"""Our outbound webhooks: signed, retried with backoff, logged, and two secrets in rotation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from botsieve.integrations import outbox
from botsieve.kit.db import transaction
from botsieve.models import OutboxJob
from tests.integrations.conftest import BASE, SURVEY, human_session
from tests.integrations.standins.qualtrics import FORM, completed_event

HOOKS = f"{BASE}/webhooks"


async def _endpoint(client, admin, receiver, events=None):
    fake, server = receiver
    body = {"url": f"{server.url}/hooks", **({"events": events} if events else {})}
    reply = await client.post(HOOKS, json=body, headers=admin)
    assert reply.status_code == 201, reply.text
    created = reply.json()
    fake.secrets = [created["secret"]]
    return created


async def _result_for(app, client, admin, qualtrics, fake_qualtrics, outbound, response_id):
    fake, _ = fake_qualtrics
    sid = await human_session(client, admin, response_id)
    fake.add_response(SURVEY, response_id, {"duration": 200, "botsieve_session": sid})
    body = completed_event(SURVEY, response_id, qualtrics["shared_key"])
    assert (
        await client.post(qualtrics["event_path"], content=body, headers=FORM)
    ).status_code == 200
    await outbox.run_once(app.state.botsieve, outbound)  # the completion
    return sid


async def _webhook_jobs(app):
    async with transaction(app.state.botsieve.sessionmaker) as db:
        return list(await db.scalars(select(OutboxJob).where(OutboxJob.kind == "webhook")))


async def test_result_ready_is_delivered_signed(
    app, client, admin, qualtrics, fake_qualtrics, receiver, outbound
):
    fake, _ = receiver
    await _endpoint(client, admin, receiver)
    sid = await _result_for(app, client, admin, qualtrics, fake_qualtrics, outbound, "R_w1")
    await outbox.run_once(app.state.botsieve, outbound)
    assert fake.rejected == 0
    types = [r["body"]["type"] for r in fake.received]
    assert "result.ready" in types
    event = next(r for r in fake.received if r["body"]["type"] == "result.ready")
    assert event["event_id"] == event["body"]["id"]
    data = event["body"]["data"]
    assert data["response_id"] == "R_w1" and data["session_id"] == sid
    assert data["quality"]["score"] is not None


async def test_receiver_down_is_retried_and_delivered_once(
    app, client, admin, qualtrics, fake_qualtrics, receiver, outbound
):
    fake, _ = receiver
    await _endpoint(client, admin, receiver, ["result.ready"])
    fake.fail_next = 2
    await _result_for(app, client, admin, qualtrics, fake_qualtrics, outbound, "R_w2")
    state = app.state.botsieve
    now = dt.datetime.now(dt.UTC)
    for _ in range(3):
        await outbox.run_once(state, outbound, now=now)
        now += dt.timedelta(hours=2)
    assert len(fake.received) == 1
    [job] = await _webhook_jobs(app)
    assert job.status == "done" and job.attempts == 3


async def test_backoff_grows_and_gives_up_after_a_day(settings):
    from botsieve.integrations.outbox import retry_delay

    delays = [retry_delay(n, settings) for n in range(1, 20)]
    assert delays[0] <= settings.integrations_retry_base_seconds
    assert delays[4] > delays[0]
    assert max(delays) <= settings.integrations_retry_max_seconds


async def test_a_delivery_failing_for_a_day_is_given_up(
    app, client, admin, qualtrics, fake_qualtrics, receiver, outbound
):
    fake, _ = receiver
    await _endpoint(client, admin, receiver, ["result.ready"])
    fake.fail_next = 10_000
    await _result_for(app, client, admin, qualtrics, fake_qualtrics, outbound, "R_w3")
    now = dt.datetime.now(dt.UTC)
    for _ in range(40):
        await outbox.run_once(app.state.botsieve, outbound, now=now)
        now += dt.timedelta(hours=1)
    [job] = await _webhook_jobs(app)
    assert job.status == "dead" and job.last_status_code == 500
    log = (await client.get(f"{HOOKS}/deliveries", headers=admin)).json()
    assert log[0]["status"] == "dead" and log[0]["event_type"] == "result.ready"


async def test_rotation_signs_with_both_secrets(
    app, client, admin, qualtrics, fake_qualtrics, receiver, outbound
):
    fake, _ = receiver
    created = await _endpoint(client, admin, receiver, ["result.ready"])
    rotated = (
        await client.post(f"{HOOKS}/{created['webhook']['id']}/rotate", headers=admin)
    ).json()
    assert rotated["secret"] != created["secret"] and rotated["webhook"]["rotating_until"]
    fake.secrets = [created["secret"]]  # a receiver not yet updated still verifies
    await _result_for(app, client, admin, qualtrics, fake_qualtrics, outbound, "R_w4")
    await outbox.run_once(app.state.botsieve, outbound)
    assert len(fake.received) == 1 and fake.rejected == 0
    fake.secrets = [rotated["secret"]]
    ping = (await client.post(f"{HOOKS}/{created['webhook']['id']}/test", headers=admin)).json()
    assert ping["delivered"] is True and ping["status_code"] == 200


async def test_tester_reports_a_failing_endpoint(client, admin, receiver):
    fake, _ = receiver
    created = await _endpoint(client, admin, receiver)
    fake.secrets = ["some-other-secret"]
    ping = (await client.post(f"{HOOKS}/{created['webhook']['id']}/test", headers=admin)).json()
    assert ping["delivered"] is False and ping["status_code"] == 400


async def test_configuration_needs_a_secret_key(client, browser, receiver):
    _, server = receiver
    for method, path in (
        ("post", HOOKS),
        ("get", HOOKS),
        ("get", f"{HOOKS}/deliveries"),
        ("get", BASE),
        ("get", f"{BASE}/status"),
    ):
        reply = await getattr(client, method)(
            path, headers={}, **({"json": {"url": server.url}} if method == "post" else {})
        )
        assert reply.status_code == 401
        reply = await getattr(client, method)(
            path, headers=browser, **({"json": {"url": server.url}} if method == "post" else {})
        )
        assert reply.status_code == 403


async def test_bad_webhook_configuration_is_a_4xx(client, admin):
    for body in ({"url": "ftp://x"}, {"url": "https://example.org", "events": ["nope"]}, {}):
        reply = await client.post(HOOKS, json=body, headers=admin)
        assert reply.status_code == 422, reply.text


async def test_private_destinations_are_refused_in_production(settings):
    import pytest

    from botsieve.integrations.service import allow_private
    from botsieve.integrations.webhooks import check_destination
    from botsieve.kit.errors import BadRequest

    production = settings.model_copy(update={"env": "production"})
    assert allow_private(settings) and not allow_private(production)
    for url in ("http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/"):
        with pytest.raises(BadRequest):
            await check_destination(url, allow_private=False)
    assert await check_destination("http://127.0.0.1:9/x", allow_private=True)


async def test_a_provisional_result_then_the_final_one_are_each_delivered_once(
    app, client, admin, receiver, outbound
):
    from tests.factories import mouse_path, new_session, send_events
    from tests.integrations.conftest import create_integration

    fake, _ = receiver
    await _endpoint(client, admin, receiver, ["result.ready"])
    survey = "selfserve/9d3/proj1234"
    created = await create_integration(client, admin, platform="decipher", survey_id=survey)
    session = await new_session(client, admin, survey_id=survey, respondent_id="u-late")
    assert (await send_events(client, admin, session, mouse_path(5))).status_code == 202
    call = {"token": created["token"], "survey": survey, "uuid": "u-late"}
    score = f"{BASE}/decipher/score"
    assert (await client.post(score, json=call)).json()["status"] == "provisional"
    more = mouse_path(120, start_t=500)
    assert (await send_events(client, admin, session, more, batch_id="b2")).status_code == 202
    for _ in range(2):  # the node passed twice more: one more delivery, not two
        assert (await client.post(score, json=call)).json()["status"] == "ok"
    await outbox.run_once(app.state.botsieve, outbound)
    statuses = [r["body"]["data"]["status"] for r in fake.received]
    assert sorted(statuses) == ["ok", "provisional"]


async def test_the_address_guard_refuses_shared_and_reserved_space():
    import pytest

    from botsieve.integrations.webhooks import check_destination
    from botsieve.kit.errors import BadRequest

    for address in ("100.64.0.1", "100.127.255.254", "198.18.0.1", "240.0.0.1"):
        with pytest.raises(BadRequest, match="private address"):
            await check_destination(f"https://{address}/hook", allow_private=False)
