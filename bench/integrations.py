"""Latency of the platforms' scoring calls, which a survey waits on (target: p99 under 200 ms).

    python -m bench.integrations [--responses 200] [--events 600] [--out FILE]

Starts a real ``botsieve serve`` on SQLite (or BOTSIEVE_TEST_PG_URL's server with --db
postgresql), makes sessions as the collector would (``--events`` pointer moves each), then times,
one call at a time as a survey engine would make them:

- ``entry_check``: the check at entry on the same session, before the end (runs the engine);
- ``qualtrics_first``: the Web Service element's first call for a response;
- ``qualtrics_repeat``: the same call again (the stored verdict: idempotent path);
- ``decipher_first``: Decipher's logic-node call, form-encoded, first time, without a session
  id (the session is found by the survey and ``uuid``, as the guide sets it up).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from tests.factories import mouse_path
from tests.live_server import LiveServer

QUALTRICS_SURVEY = "SV_bench0000000001"
DECIPHER_SURVEY = "selfserve/bench/proj1"


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def _session(client: httpx.Client, key: str, survey: str, respondent: str, events: int) -> str:
    body = {"platform": "other", "survey_id": survey, "respondent_id": respondent}
    created = client.post("/api/v1/detection/sessions", json=body, headers=_auth(key)).json()
    sid = created["session_id"]
    for start in range(0, events, 2000):
        batch = mouse_path(min(2000, events - start), start_t=start * 16.7)
        reply = client.post(
            f"/api/v1/detection/sessions/{sid}/events",
            json={"batch_id": f"b{start}", "events": batch},
            headers={**_auth(key), "X-Session-Token": created["token"]},
        )
        reply.raise_for_status()
    return str(sid)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _timed(call: Any) -> float:
    started = time.perf_counter()
    reply = call()
    elapsed = (time.perf_counter() - started) * 1000
    reply.raise_for_status()
    return elapsed


def run(responses: int, events: int, database_url: str | None) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="botsieve-bench-integrations-"))
    url = database_url or f"sqlite+inline:///{workdir / 'bench.db'}"
    server = LiveServer(url, workdir)
    server.env["BOTSIEVE_INTEGRATIONS_WORKER_ENABLED"] = "false"
    server.env["BOTSIEVE_RATE_LIMIT_ENABLED"] = "false"
    server.cli("migrate")
    secret = server.create_key("secret")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            tokens = {}
            for platform, survey in (
                ("qualtrics", QUALTRICS_SURVEY),
                ("decipher", DECIPHER_SURVEY),
            ):
                body = {"platform": platform, "name": "bench", "survey_id": survey}
                tokens[platform] = client.post(
                    "/api/v1/integrations", json=body, headers=_auth(secret)
                ).json()["token"]
            samples: dict[str, list[float]] = {
                "entry_check": [],
                "qualtrics_first": [],
                "qualtrics_repeat": [],
            }
            samples["decipher_first"] = []
            score = "/api/v1/integrations/qualtrics/score"
            entry = "/api/v1/integrations/qualtrics/entry"
            headers = _auth(tokens["qualtrics"])
            for i in range(responses):
                rid = f"R_{uuid.uuid4().hex[:15]}"
                sid = _session(client, secret, QUALTRICS_SURVEY, rid, events)
                body = {"survey_id": QUALTRICS_SURVEY, "response_id": rid, "session_id": sid}
                samples["entry_check"].append(
                    _timed(lambda b=body: client.post(entry, json=b, headers=headers))
                )
                samples["qualtrics_first"].append(
                    _timed(lambda b=body: client.post(score, json=b, headers=headers))
                )
                samples["qualtrics_repeat"].append(
                    _timed(lambda b=body: client.post(score, json=b, headers=headers))
                )
                respondent = f"u{i}-{uuid.uuid4().hex[:8]}"
                _session(client, secret, DECIPHER_SURVEY, respondent, events)
                form = urlencode(
                    {"token": tokens["decipher"], "survey": DECIPHER_SURVEY, "uuid": respondent}
                )
                samples["decipher_first"].append(
                    _timed(
                        lambda f=form: client.post(
                            "/api/v1/integrations/decipher/score",
                            content=f,
                            headers={"Content-Type": "application/x-www-form-urlencoded"},
                        )
                    )
                )
    finally:
        server.stop()
    return {
        "database": "postgresql" if database_url else "sqlite",
        "events_per_session": events,
        "cores": os.cpu_count(),
        **{name: _summary(values) for name, values in samples.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=200)
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    pg = os.environ.get("BOTSIEVE_TEST_PG_URL") if args.db == "postgresql" else None
    if args.db == "postgresql" and not pg:
        raise SystemExit("--db postgresql needs BOTSIEVE_TEST_PG_URL (scripts/services.sh start)")
    result = run(args.responses, args.events, pg)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
