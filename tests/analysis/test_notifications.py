"""Live listeners are told when sessions change and analyses finish."""

from __future__ import annotations

from tests.factories import mouse_path, new_session, send_events


async def test_creation_ingestion_and_analysis_are_announced(client, app, admin):
    heard: list[tuple[str, dict]] = []
    app.state.botsieve.notify = lambda event, payload: heard.append((event, payload))
    session = await new_session(client, admin)
    await send_events(client, admin, session, mouse_path(30))
    await send_events(client, admin, session, mouse_path(30))  # duplicate batch id: silent
    await client.post(f"/api/v1/detection/sessions/{session['session_id']}/analyze", headers=admin)
    events = [event for event, _ in heard]
    assert events == ["session_updated", "session_updated", "analysis_complete"]
    assert heard[1][1] == {"session_id": session["session_id"], "event_count": 30}
    assert heard[2][1]["session_id"] == session["session_id"]
    assert heard[2][1]["risk_level"] in ("low", "medium", "high", "critical")
