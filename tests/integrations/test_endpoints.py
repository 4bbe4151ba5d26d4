"""The platform-facing endpoints: Qualtrics' Web Service element and event subscription."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from botsieve.integrations.qualtrics import sign, verify_hmac
from botsieve.kit.errors import Unauthorized
from tests.integrations.conftest import BASE, SURVEY, create_integration, human_session
from tests.integrations.standins.qualtrics import FORM, completed_event

SCORE = f"{BASE}/qualtrics/score"


def bearer(created):
    return {"Authorization": f"Bearer {created['token']}"}


def event_url(created):
    return created["event_path"]


async def test_web_service_scores_a_session_as_flat_fields(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_1")
    body = {"survey_id": SURVEY, "response_id": "R_1", "session_id": sid}
    reply = await client.post(SCORE, json=body, headers=bearer(qualtrics))
    assert reply.status_code == 200, reply.text
    fields = reply.json()
    assert fields["status"] == "ok"
    assert fields["verdict"] in ("human", "bot")
    assert 0 <= float(fields["score"]) <= 1
    assert fields["risk"] in ("low", "medium", "high", "critical")
    assert fields["model_version"]
    assert all(isinstance(v, str) for v in fields.values())


async def test_web_service_is_idempotent_per_response(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_2")
    body = {"survey_id": SURVEY, "response_id": "R_2", "session_id": sid}
    first = (await client.post(SCORE, json=body, headers=bearer(qualtrics))).json()
    await client.post(f"/api/v1/detection/sessions/{sid}/analyze", headers=admin)
    second = (await client.post(SCORE, json=body, headers=bearer(qualtrics))).json()
    assert first == second


async def test_web_service_without_a_session_says_so(client, qualtrics):
    body = {"survey_id": SURVEY, "response_id": "R_3"}
    fields = (await client.post(SCORE, json=body, headers=bearer(qualtrics))).json()
    assert fields["status"] == "no_session" and fields["verdict"] == "unknown"
    assert fields["score"] == ""


async def test_a_session_of_another_respondent_is_not_accepted(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_human")
    body = {"survey_id": SURVEY, "response_id": "R_bot", "session_id": sid}
    fields = (await client.post(SCORE, json=body, headers=bearer(qualtrics))).json()
    assert fields["status"] == "session_reused" and fields["verdict"] == "unknown"
    assert "session_of_another_respondent" in fields["flags"].split(";")


async def test_web_service_needs_the_integration_token(client, admin, qualtrics):
    body = {"survey_id": SURVEY, "response_id": "R_4"}
    for headers in ({}, {"Authorization": "Bearer bs_it_wrong"}, admin):
        reply = await client.post(SCORE, json=body, headers=headers)
        assert reply.status_code == 401
        assert reply.json()["error"]["code"] == "unauthorized"


async def test_web_service_refuses_another_survey(client, qualtrics):
    body = {"survey_id": "SV_other", "response_id": "R_5"}
    reply = await client.post(SCORE, json=body, headers=bearer(qualtrics))
    assert reply.status_code == 400
    assert "survey" in reply.json()["error"]["message"]


async def test_malformed_score_requests_get_a_clear_4xx(client, qualtrics):
    for kwargs in ({"content": b"{nope"}, {"json": {"survey_id": SURVEY}}, {"json": []}):
        reply = await client.post(
            SCORE, headers={**bearer(qualtrics), "Content-Type": "application/json"}, **kwargs
        )
        assert reply.status_code == 422, reply.text
        assert reply.json()["error"]["message"]


async def test_signed_event_is_accepted_once(client, qualtrics):
    body = completed_event(SURVEY, "R_10", qualtrics["shared_key"])
    first = await client.post(event_url(qualtrics), content=body, headers=FORM)
    assert first.status_code == 200, first.text
    assert first.json() == {"accepted": True, "duplicate": False, "response_id": "R_10"}
    again = await client.post(event_url(qualtrics), content=body, headers=FORM)
    assert again.json()["duplicate"] is True


async def test_unsigned_event_is_refused_when_a_key_is_set(client, qualtrics):
    body = completed_event(SURVEY, "R_11", None)
    reply = await client.post(event_url(qualtrics), content=body, headers=FORM)
    assert reply.status_code == 401
    assert "HMAC" in reply.json()["error"]["message"]


async def test_event_signed_with_the_wrong_key_is_refused(client, qualtrics):
    body = completed_event(SURVEY, "R_12", "not-the-shared-key-at-all")
    reply = await client.post(event_url(qualtrics), content=body, headers=FORM)
    assert reply.status_code == 401


async def test_tampered_message_is_refused(client, qualtrics):
    body = completed_event(SURVEY, "R_13", qualtrics["shared_key"]).replace(b"R_13", b"R_14")
    reply = await client.post(event_url(qualtrics), content=body, headers=FORM)
    assert reply.status_code == 401


async def test_replayed_event_is_not_processed_again(client, qualtrics):
    body = completed_event(SURVEY, "R_15", qualtrics["shared_key"])
    await client.post(event_url(qualtrics), content=body, headers=FORM)
    later = completed_event(
        SURVEY, "R_15", qualtrics["shared_key"], completed="2026-11-28 10:00:00"
    )
    replay = await client.post(event_url(qualtrics), content=later, headers=FORM)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True


async def test_unknown_event_path_is_404(client, qualtrics):
    body = completed_event(SURVEY, "R_16", qualtrics["shared_key"])
    reply = await client.post(f"{BASE}/qualtrics/events/guessed", content=body, headers=FORM)
    assert reply.status_code == 404


async def test_malformed_events_get_a_clear_4xx(client, qualtrics):
    key = qualtrics["shared_key"]
    msg = '{"Status":"Complete"}'
    topic = f"Topic=acme.surveyengine.completedResponse.{SURVEY}"
    cases = [
        (b"Topic=x", FORM, 401),  # no MSG, so no valid HMAC either
        (b'{"Topic": "x"}', {"Content-Type": "application/json"}, 415),
        (
            f"{topic}&HMAC={sign(key, msg)}&MSG={msg}".encode(),
            FORM,
            400,
        ),
        (f"Topic=other.topic&HMAC={sign(key, '{}')}&MSG={{}}".encode(), FORM, 400),
        (
            f"{topic}&HMAC={sign(key, 'x')}&MSG=x".encode(),
            FORM,
            400,
        ),
        (b"\xff\xfe", FORM, 400),
    ]
    for body, headers, status in cases:
        reply = await client.post(event_url(qualtrics), content=body, headers=headers)
        assert reply.status_code == status, (body, reply.text)
        assert reply.json()["error"]["message"]


async def test_a_subscription_without_shared_key_is_never_created(client, admin):
    created = await create_integration(client, admin, survey_id="SV_nokey")
    assert created["shared_key"] and len(created["shared_key"]) >= 32


async def test_rotation_keeps_the_old_secrets_for_a_grace_period_only(
    app, client, admin, qualtrics
):
    import datetime as dt

    from sqlalchemy import update

    from botsieve.kit.db import transaction
    from botsieve.models import Integration

    rotated = (
        await client.post(f"{BASE}/{qualtrics['integration']['id']}/rotate", headers=admin)
    ).json()
    assert rotated["token"] != qualtrics["token"] and rotated["event_path"] is None
    old_signed = completed_event(SURVEY, "R_20", qualtrics["shared_key"])
    assert (
        await client.post(event_url(qualtrics), content=old_signed, headers=FORM)
    ).status_code == 200
    body = {"survey_id": SURVEY, "response_id": "R_21"}
    assert (await client.post(SCORE, json=body, headers=bearer(qualtrics))).status_code == 200
    assert (await client.post(SCORE, json=body, headers=bearer(rotated))).status_code == 200
    async with transaction(app.state.botsieve.sessionmaker) as db:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        await db.execute(update(Integration).values(previous_token_until=past))
    old_signed = completed_event(SURVEY, "R_22", qualtrics["shared_key"])
    assert (
        await client.post(event_url(qualtrics), content=old_signed, headers=FORM)
    ).status_code == 401
    assert (await client.post(SCORE, json=body, headers=bearer(qualtrics))).status_code == 401
    new_signed = completed_event(SURVEY, "R_22", rotated["shared_key"])
    assert (
        await client.post(event_url(qualtrics), content=new_signed, headers=FORM)
    ).status_code == 200


async def test_configuration_endpoints_need_a_secret_key(client, browser, qualtrics):
    iid = qualtrics["integration"]["id"]
    for method, path in (
        ("get", BASE),
        ("post", f"{BASE}/{iid}/rotate"),
        ("get", f"{BASE}/status"),
    ):
        assert (await getattr(client, method)(path)).status_code == 401
        assert (await getattr(client, method)(path, headers=browser)).status_code == 403


async def test_bad_integration_configuration_is_a_4xx(client, admin):
    for body in (
        {"platform": "surveymonkey", "name": "x", "survey_id": "1"},
        {"platform": "qualtrics", "name": "x"},
        {"platform": "qualtrics", "name": "x", "survey_id": "1", "base_url": "not a url"},
        {"platform": "qualtrics", "name": "x", "survey_id": "1", "shared_key": "short"},
        {"platform": "qualtrics", "name": "x", "survey_id": "1", "extra": True},
    ):
        reply = await client.post(BASE, json=body, headers=admin)
        assert reply.status_code == 422, body
        assert reply.json()["error"]["code"] == "validation_failed"


async def test_an_event_naming_a_response_with_nul_is_refused(client, qualtrics):
    body = completed_event(SURVEY, "R_\u0000", qualtrics["shared_key"])
    reply = await client.post(event_url(qualtrics), content=body, headers=FORM)
    assert reply.status_code == 400


async def test_refused_posts_are_counted_with_when_and_why_but_not_their_body(
    client, admin, qualtrics
):
    unsigned = completed_event(SURVEY, "R_secret_response", None)
    wrong = completed_event(SURVEY, "R_secret_response", "an-old-key-after-rotation")
    for body in (unsigned, wrong):
        assert (
            await client.post(event_url(qualtrics), content=body, headers=FORM)
        ).status_code == 401
    good = completed_event(SURVEY, "R_fine", qualtrics["shared_key"])
    assert (await client.post(event_url(qualtrics), content=good, headers=FORM)).status_code == 200
    entry = (await client.get(f"{BASE}/status", headers=admin)).json()["integrations"][0]
    assert entry["refused_last_24h"] == 2
    reasons = [r["reason"] for r in entry["recent_refusals"]]
    assert any("missing" in r for r in reasons) and any("does not match" in r for r in reasons)
    assert all(r["status_code"] == 401 and r["at"] for r in entry["recent_refusals"])
    assert not any("R_secret_response" in r for r in reasons)


async def test_a_get_on_the_event_url_answers_200(client, qualtrics):
    reply = await client.get(event_url(qualtrics))
    assert reply.status_code == 200
    assert reply.json() == {"ok": True, "platform": "qualtrics", "accepts": "POST"}
    unknown = await client.get(f"{BASE}/qualtrics/events/not-a-hook")
    assert unknown.status_code == 404


async def test_refusals_are_forgotten_after_the_retention_period(app, client, admin, qualtrics):
    import datetime as dt

    from botsieve.integrations import outbox

    body = completed_event(SURVEY, "R_old_refusal", None)
    assert (await client.post(event_url(qualtrics), content=body, headers=FORM)).status_code == 401
    state = app.state.botsieve
    assert await outbox.purge_refusals(state) == 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=state.settings.retention_days + 1)
    assert await outbox.purge_refusals(state, now=later) == 1


async def test_a_non_ascii_hmac_is_a_401_and_a_recorded_refusal(client, admin, qualtrics):
    msg = completed_event(SURVEY, "R_na", None).decode()
    for presented in ("\u00e9" * 128, "ünïcødé", "\U0001f916"):
        body = f"{msg}&HMAC={quote(presented)}".encode()
        reply = await client.post(event_url(qualtrics), content=body, headers=FORM)
        assert reply.status_code == 401, (presented, reply.text)
        assert reply.json()["error"]["code"]
    status = (await client.get(f"{BASE}/status", headers=admin)).json()["integrations"][0]
    assert status["refused_last_24h"] == 3


def test_verify_hmac_compares_any_text_without_raising():
    key, msg = "k" * 32, '{"ResponseID":"R_1"}'
    verify_hmac([key], msg, sign(key, msg).upper())  # hex in either case
    for presented in ("\u00e9", "\x00", sign(key, msg) + "\u00e9", "\ud800"):
        with pytest.raises(Unauthorized):
            verify_hmac([key], msg, presented)
