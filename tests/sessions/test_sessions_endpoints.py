"""Creating sessions: who may, what is checked, what comes back."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.conftest import SURVEY_ORIGIN
from tests.factories import SESSION_BODY, new_session

URL = "/api/v1/detection/sessions"


async def test_secret_key_creates_a_session_with_token_and_expiry(client, admin):
    body = await new_session(client, admin)
    assert uuid.UUID(body["session_id"])
    assert len(body["token"]) >= 32
    assert body["status"] == "active"
    assert body["expires_at"].endswith("Z")


async def test_publishable_key_creates_from_its_origin(client, browser):
    response = await client.post(URL, json=SESSION_BODY, headers=browser)
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == SURVEY_ORIGIN


async def test_publishable_key_is_refused_from_another_origin(client, publishable_key):
    headers = {"Authorization": f"Bearer {publishable_key}", "Origin": "https://evil.example"}
    response = await client.post(URL, json=SESSION_BODY, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "access-control-allow-origin" not in response.headers


async def test_publishable_key_is_refused_without_origin(client, publishable_key):
    headers = {"Authorization": f"Bearer {publishable_key}"}
    response = await client.post(URL, json=SESSION_BODY, headers=headers)
    assert response.status_code == 403


async def test_missing_key_is_401_in_the_error_shape(client):
    response = await client.post(URL, json=SESSION_BODY)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert error["request_id"] == response.headers["x-request-id"]


async def test_unknown_key_is_401(client):
    headers = {"Authorization": "Bearer bs_sk_" + "a" * 40}
    assert (await client.post(URL, json=SESSION_BODY, headers=headers)).status_code == 401


async def test_invalid_body_names_the_problem(client, admin):
    response = await client.post(
        URL, json={**SESSION_BODY, "platform": "surveymonkey", "survey_id": ""}, headers=admin
    )
    assert response.status_code == 422
    error = response.json()["error"]
    locations = [tuple(d["loc"]) for d in error["details"]]
    assert ("platform",) in locations
    assert ("survey_id",) in locations
    assert "platform" in error["message"]


async def test_unknown_field_is_rejected(client, admin):
    response = await client.post(URL, json={**SESSION_BODY, "verdict": "human"}, headers=admin)
    assert response.status_code == 422


async def test_oversized_environment_is_rejected(client, admin):
    env = {"blob": "x" * 40_000}
    response = await client.post(URL, json={**SESSION_BODY, "environment": env}, headers=admin)
    assert response.status_code == 422
    assert "environment" in response.json()["error"]["message"]


@pytest.mark.parametrize("step", [0.1, 1, 16.67, 100, {"error": "unsupported"}])
async def test_timer_resolution_is_a_step_in_ms_or_an_error(client, admin, step):
    env = {"webdriver": False, "timerResolution": step}
    response = await client.post(URL, json={**SESSION_BODY, "environment": env}, headers=admin)
    assert response.status_code == 201


@pytest.mark.parametrize("step", [0, -1, True, "0.1", [1], {"ms": 1}])
async def test_timer_resolution_that_is_no_step_is_rejected(client, admin, step):
    env = {"timerResolution": step}
    response = await client.post(URL, json={**SESSION_BODY, "environment": env}, headers=admin)
    assert response.status_code == 422
    assert "timerResolution" in response.json()["error"]["message"]


async def test_session_ids_are_time_ordered_uuid7(client, admin):
    first = uuid.UUID((await new_session(client, admin))["session_id"])
    await asyncio.sleep(0.003)
    second = uuid.UUID((await new_session(client, admin))["session_id"])
    assert first.version == second.version == 7
    assert first.variant == uuid.RFC_4122
    assert first < second


async def test_idempotency_key_returns_the_same_session(client, admin):
    headers = {**admin, "Idempotency-Key": "create-123"}
    first = await client.post(URL, json=SESSION_BODY, headers=headers)
    second = await client.post(URL, json=SESSION_BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["session_id"] == second.json()["session_id"]
    other = await client.post(URL, json=SESSION_BODY, headers=admin)
    assert other.json()["session_id"] != first.json()["session_id"]


async def test_an_idempotency_key_reused_for_another_body_is_refused(client, admin):
    headers = {**admin, "Idempotency-Key": "create-456"}
    first = await client.post(URL, json=SESSION_BODY, headers=headers)
    assert first.status_code == 201
    other = await client.post(
        URL, json={**SESSION_BODY, "respondent_id": "R_other"}, headers=headers
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    # Key order and defaults spelled out do not make a body different.
    same = {"platform": SESSION_BODY.get("platform", "web"), **dict(reversed(SESSION_BODY.items()))}
    again = await client.post(URL, json=same, headers=headers)
    assert again.status_code == 201
    assert again.json()["session_id"] == first.json()["session_id"]


async def test_concurrent_requests_with_one_idempotency_key_make_one_session(client, admin):
    headers = {**admin, "Idempotency-Key": "create-concurrent"}
    responses = await asyncio.gather(
        *(client.post(URL, json=SESSION_BODY, headers=headers) for _ in range(8))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["session_id"] for r in responses}) == 1
    listed = await client.get(
        "/api/v1/dashboard/sessions", params={"survey_id": SESSION_BODY["survey_id"]}, headers=admin
    )
    assert len(listed.json()["items"]) == 1


async def test_malformed_json_is_400_not_500(client, admin):
    response = await client.post(
        URL, content=b"{not json", headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json()


async def test_status_shows_state_and_no_verdict_yet(client, admin):
    session = await new_session(client, admin)
    response = await client.get(f"{URL}/{session['session_id']}/status", headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert body["event_count"] == 0
    assert body["verdict"]["is_bot"] is None
    assert body["survey_id"] == SESSION_BODY["survey_id"]


async def test_status_of_unknown_session_is_404(client, admin):
    response = await client.get(f"{URL}/{uuid.uuid4()}/status", headers=admin)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_status_with_bad_id_is_422(client, admin):
    response = await client.get(f"{URL}/not-a-uuid/status", headers=admin)
    assert response.status_code == 422


async def test_publishable_key_cannot_read_status(client, browser):
    session = await new_session(client, browser)
    response = await client.get(f"{URL}/{session['session_id']}/status", headers=browser)
    assert response.status_code == 403


async def test_preflight_is_answered_for_allowed_origins_only(client, publishable_key):
    allowed = await client.options(
        f"{URL}/{uuid.uuid4()}/events",
        headers={"Origin": SURVEY_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == SURVEY_ORIGIN
    assert "x-session-token" in allowed.headers["access-control-allow-headers"]
    refused = await client.options(
        f"{URL}/{uuid.uuid4()}/events",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in refused.headers


async def test_deleting_a_session_removes_it_and_its_events(client, admin):
    from tests.factories import mouse_path, send_events

    session = await new_session(client, admin)
    assert (await send_events(client, admin, session, mouse_path(30))).status_code == 202
    sid = session["session_id"]
    response = await client.delete(f"{URL}/{sid}", headers=admin)
    assert response.json() == {"sessions_deleted": 1}
    assert (await client.get(f"{URL}/{sid}/status", headers=admin)).status_code == 404
    details = await client.get(f"/api/v1/dashboard/sessions/{sid}/events", headers=admin)
    assert details.status_code == 404


async def test_deleting_a_respondent_removes_all_their_sessions(client, admin):
    await new_session(client, admin, respondent_id="R_gone")
    await new_session(client, admin, respondent_id="R_gone")
    kept = await new_session(client, admin, respondent_id="R_kept")
    response = await client.delete(
        "/api/v1/detection/respondents",
        params={"survey_id": SESSION_BODY["survey_id"], "respondent_id": "R_gone"},
        headers=admin,
    )
    assert response.json() == {"sessions_deleted": 2}
    status = await client.get(f"{URL}/{kept['session_id']}/status", headers=admin)
    assert status.status_code == 200


async def test_publishable_key_cannot_delete(client, browser):
    session = await new_session(client, browser)
    response = await client.delete(f"{URL}/{session['session_id']}", headers=browser)
    assert response.status_code == 403


async def test_revoked_key_stops_working(client, app, admin, secret_key):
    from botsieve.auth.service import revoke_key
    from botsieve.kit.db import transaction

    assert (await client.post(URL, json=SESSION_BODY, headers=admin)).status_code == 201
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await revoke_key(db, secret_key)
    response = await client.post(URL, json=SESSION_BODY, headers=admin)
    assert response.status_code == 401
