"""What was acknowledged survives the server being killed and started again."""

from __future__ import annotations

import os

import httpx

from tests.factories import SESSION_BODY, mouse_path
from tests.live_server import READY_CEILING_SECONDS, LiveServer


def test_acknowledged_events_survive_a_killed_server(database_url, tmp_path):
    server = LiveServer(database_url, tmp_path, os.environ.get("BOTSIEVE_TEST_REDIS_URL"))
    key = server.create_key("secret")
    headers = {"Authorization": f"Bearer {key}"}
    server.start()
    try:
        with httpx.Client(
            base_url=server.url, headers=headers, timeout=READY_CEILING_SECONDS
        ) as client:
            session = client.post("/api/v1/detection/sessions", json=SESSION_BODY).json()
            url = f"/api/v1/detection/sessions/{session['session_id']}/events"
            acknowledged = 0
            for i in range(20):
                response = client.post(url, json={"batch_id": f"b{i}", "events": mouse_path(100)})
                assert response.status_code == 202
                acknowledged += response.json()["accepted"]
        server.kill()
        server.start()
        with httpx.Client(
            base_url=server.url, headers=headers, timeout=READY_CEILING_SECONDS
        ) as client:
            status = client.get(f"/api/v1/detection/sessions/{session['session_id']}/status")
            assert status.json()["event_count"] == acknowledged == 2000
            events = client.get(f"/api/v1/dashboard/sessions/{session['session_id']}/events")
            assert len(events.json()["events"]["mousemove"]["t"]) == 2000
            retry = client.post(url, json={"batch_id": "b19", "events": mouse_path(100)})
            assert retry.json()["duplicate"] is True
    finally:
        server.stop()
