"""``kill -9`` of the server under concurrent ingestion loses no acknowledged batch.

Writers post batches as fast as the server takes them; once enough are acknowledged the
server's whole process group is killed mid-request, then started again on the same database.
The audit: every batch that was answered 202 is stored (re-sending it is a duplicate, and the
session counts its events), and at most the one batch each writer had in flight is stored
without an answer. On SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import os
import threading
import time

import httpx

from tests.factories import SESSION_BODY, mouse_path
from tests.live_server import LiveServer

WRITERS = 16
EVENTS_PER_BATCH = 50
# Acknowledged batches before the kill: enough that writers are mid-request when it lands.
BATCHES_BEFORE_KILL = 400


class Writer(threading.Thread):
    def __init__(self, url: str, headers: dict[str, str], session_id: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=url, headers=headers, timeout=60)
        self.path = f"/api/v1/detection/sessions/{session_id}"
        self.acknowledged: list[str] = []
        self.refused: list[str] = []

    def run(self) -> None:
        with self.client:
            for number in range(1_000_000):
                batch = {"batch_id": f"b{number}", "events": mouse_path(EVENTS_PER_BATCH)}
                try:
                    reply = self.client.post(f"{self.path}/events", json=batch)
                except httpx.HTTPError:
                    return  # the server is gone; this batch was never acknowledged
                if reply.status_code != 202:
                    self.refused.append(f"{reply.status_code} {reply.text[:200]}")
                    return
                self.acknowledged.append(batch["batch_id"])


def _server(database_url: str, tmp_path) -> LiveServer:
    server = LiveServer(database_url, tmp_path, os.environ.get("BOTSIEVE_TEST_REDIS_URL"))
    # One key carries the whole load here; its limit is not what this test is about.
    server.env["BOTSIEVE_RATE_LIMIT_SECRET_PER_KEY"] = "10000000/minute"
    return server


def test_kill_9_under_load_loses_no_acknowledged_batch(database_url, tmp_path):
    server = _server(database_url, tmp_path)
    headers = {"Authorization": f"Bearer {server.create_key('secret')}"}
    with server:
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            sessions = [
                client.post("/api/v1/detection/sessions", json=SESSION_BODY).json()["session_id"]
                for _ in range(WRITERS)
            ]
        writers = [Writer(server.url, headers, sid) for sid in sessions]
        for writer in writers:
            writer.start()
        # Wait on progress, not on a clock: a busy machine only makes this take longer.
        while sum(len(w.acknowledged) for w in writers) < BATCHES_BEFORE_KILL:
            assert any(w.is_alive() for w in writers), [w.refused for w in writers]
            time.sleep(0.05)
        server.kill()
        for writer in writers:
            writer.join()
        assert not [r for w in writers for r in w.refused]

        server.start()
        acknowledged = sum(len(w.acknowledged) for w in writers) * EVENTS_PER_BATCH
        stored = 0
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            for writer in writers:
                count = client.get(f"{writer.path}/status").json()["event_count"]
                stored += count
                ours = len(writer.acknowledged) * EVENTS_PER_BATCH
                assert ours <= count <= ours + EVENTS_PER_BATCH, writer.path
                for batch_id in writer.acknowledged:
                    again = client.post(
                        f"{writer.path}/events",
                        json={"batch_id": batch_id, "events": mouse_path(EVENTS_PER_BATCH)},
                    )
                    assert again.status_code == 202 and again.json()["duplicate"], batch_id
    print(
        f"\nkill -9 under {WRITERS} writers: {acknowledged} events acknowledged, "
        f"{stored} stored ({stored - acknowledged} of batches in flight), 0 acknowledged lost; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
