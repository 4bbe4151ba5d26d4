"""ready-for-analysis says whether there is enough, and names what is missing."""

from __future__ import annotations

from tests.factories import mixed_events, mouse_path, new_session, send_events


async def test_new_session_is_not_ready_and_says_why(client, admin):
    session = await new_session(client, admin, environment={})
    response = await client.get(
        f"/api/v1/detection/sessions/{session['session_id']}/ready-for-analysis", headers=admin
    )
    body = response.json()
    assert body["ready"] is False
    assert len(body["missing"]) == 3
    assert any("environment" in m for m in body["missing"])
    assert any("pointer" in m for m in body["missing"])


async def test_session_with_movement_and_environment_is_ready(client, admin):
    session = await new_session(client, admin)
    await send_events(client, admin, session, mouse_path(40) + mixed_events(start_t=2000))
    response = await client.get(
        f"/api/v1/detection/sessions/{session['session_id']}/ready-for-analysis", headers=admin
    )
    body = response.json()
    assert body["ready"] is True, body
    assert body["missing"] == []
    assert body["events_by_type"]["mousemove"] == 41
    assert body["event_count"] == 40 + len(mixed_events())
