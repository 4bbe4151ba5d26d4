"""Analysts label sessions (training data) and re-analyse them; listeners hear of both."""

from __future__ import annotations

from tests.factories import mouse_path, new_session, send_events

DASH = "/api/v1/dashboard/sessions"


async def test_a_label_is_stored_on_the_session_and_can_be_cleared(client, admin):
    session = await new_session(client, admin)
    sid = session["session_id"]
    response = await client.put(f"{DASH}/{sid}/label", json={"label": "bot"}, headers=admin)
    assert response.json() == {"session_id": sid, "label": "bot"}
    details = (await client.get(f"{DASH}/{sid}/details", headers=admin)).json()
    assert details["session"]["label"] == "bot"
    rows = (await client.get(DASH, headers=admin)).json()["items"]
    assert rows[0]["label"] == "bot"
    await client.put(f"{DASH}/{sid}/label", json={"label": None}, headers=admin)
    details = (await client.get(f"{DASH}/{sid}/details", headers=admin)).json()
    assert details["session"]["label"] is None


async def test_only_human_or_bot_are_labels(client, admin):
    session = await new_session(client, admin)
    response = await client.put(
        f"{DASH}/{session['session_id']}/label", json={"label": "maybe"}, headers=admin
    )
    assert response.status_code == 422


async def test_reanalysis_adds_a_result_and_is_announced(app, client, admin):
    heard: list[str] = []
    app.state.botsieve.notify = lambda event, payload: heard.append(event)
    session = await new_session(client, admin)
    await send_events(client, admin, session, mouse_path(40))
    sid = session["session_id"]
    first = await client.post(f"{DASH}/{sid}/reanalyze", headers=admin)
    second = await client.post(f"{DASH}/{sid}/reanalyze", headers=admin)
    assert first.status_code == second.status_code == 200
    details = (await client.get(f"{DASH}/{sid}/details", headers=admin)).json()
    assert len(details["results"]) == 2
    assert heard.count("analysis_complete") == 2


async def test_unknown_sessions_are_not_found(client, admin):
    missing = "00000000-0000-4000-8000-000000000000"
    response = await client.put(f"{DASH}/{missing}/label", json={"label": "bot"}, headers=admin)
    assert response.status_code == 404
