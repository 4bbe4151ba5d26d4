"""What one survey session leaves in PostgreSQL: bytes per session and per event, by table.

    python -m bench.footprint [--sessions 300] [--batches 30]

Sessions are made through the API the way the collector makes them (a realistic environment
record, survey-shaped 100-event batches from ``bench.run.survey_batch``, then an analysis), on
a fresh database; then each table's size with its indexes and TOAST
(``pg_total_relation_size``, after VACUUM) is divided by what was stored. These are the
inputs of the capacity model in docs/deploy.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from tests.live_server import LiveServer

from bench import seed
from bench.run import RESULTS, survey_batch

TABLES = ("sessions", "detection_results", "behavior_data", "event_batches", "idempotency_keys")
ENVIRONMENT = {
    "webdriver": False,
    "languages": ["en-US", "en"],
    "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0",
    "platform": "Win32",
    "hardwareConcurrency": 8,
    "deviceMemory": 8,
    "screen": {"width": 1920, "height": 1080, "colorDepth": 24, "pixelRatio": 1},
    "timezone": "Europe/Berlin",
    "touch": False,
    "plugins": 5,
}


def _populate(server: LiveServer, key: str, sessions: int, batches: int) -> int:
    events = 0
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        for n in range(sessions):
            body = {
                "platform": "qualtrics",
                "survey_id": f"SV_{n % 10}",
                "respondent_id": f"R_{n}",
                "environment": ENVIRONMENT,
            }
            sid = client.post("/api/v1/detection/sessions", json=body).json()["session_id"]
            t = 0.0
            for b in range(batches):
                batch = survey_batch(t, b)
                t = batch[-1]["t"] + 20
                reply = client.post(
                    f"/api/v1/detection/sessions/{sid}/events",
                    json={"batch_id": f"b{b}", "events": batch},
                )
                reply.raise_for_status()
                events += len(batch)
            client.post(f"/api/v1/detection/sessions/{sid}/analyze").raise_for_status()
    return events


async def _sizes(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("VACUUM ANALYZE")
        return {
            # pg_partition_tree: a partitioned table's size is its partitions' sizes.
            t: int(
                await conn.fetchval(
                    f"SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) "
                    f"FROM pg_partition_tree('{t}')), pg_total_relation_size('{t}'))"
                )
            )
            for t in TABLES
        }
    finally:
        await conn.close()


def measure(sessions: int, batches: int) -> dict[str, Any]:
    url = seed.create_pg_database(os.environ["BOTSIEVE_TEST_PG_URL"])
    with tempfile.TemporaryDirectory(prefix="botsieve-footprint-") as tmp:
        server = LiveServer(url, Path(tmp))
        server.cli("migrate")
        key = server.create_key("secret")
        server.start()
        try:
            events = _populate(server, key, sessions, batches)
        finally:
            server.stop()
    sizes = asyncio.run(_sizes(url))
    per_session = sizes["sessions"] + sizes["detection_results"] + sizes["idempotency_keys"]
    per_event = sizes["behavior_data"] + sizes["event_batches"]
    return {
        "sessions": sessions,
        "events": events,
        "events_per_batch": events // (sessions * batches),
        "table_bytes": sizes,
        "bytes_per_session_excluding_events": round(per_session / sessions),
        "bytes_per_event": round(per_event / events, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--batches", type=int, default=30)
    args = parser.parse_args()
    result = measure(args.sessions, args.batches)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "footprint.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
