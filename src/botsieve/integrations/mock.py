"""Mock mode: both platforms simulated end to end against a running service, for demos.

    python -m botsieve.integrations.mock --service http://127.0.0.1:8000 --secret-key bs_sk_...

It starts a mock Qualtrics (the Responses API: GET a response, PUT embedded data) on a loopback
port, configures a Qualtrics and a Decipher integration, and then plays a respondent of each:
a collector session with pointer movement, the Web Service element's scoring call, the signed
``surveyengine.completedResponse`` event (form-encoded, ``HMAC`` = hex HMAC-SHA512 of ``MSG``),
and Decipher's logic-node call (form fields, token in the body). It prints what each platform
would have received. The service must run in development (loopback URLs allowed) with its
outbox worker on, the default.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import math
import socket
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

API_TOKEN = "mock-qualtrics-api-token"


class MockQualtrics:
    """The Responses API of one brand, in memory; ``writes`` is the embedded data received."""

    def __init__(self) -> None:
        self.responses: dict[tuple[str, str], dict[str, Any]] = {}
        self.writes: dict[str, dict[str, Any]] = {}
        self.app = FastAPI()
        self.app.get("/API/v3/surveys/{survey_id}/responses/{response_id}")(self._get)
        self.app.put("/API/v3/responses/{response_id}")(self._put)

    @staticmethod
    def _meta(status: str) -> dict[str, str]:
        return {"httpStatus": status, "requestId": str(uuid.uuid4())}

    async def _get(self, survey_id: str, response_id: str, request: Request) -> JSONResponse:
        if request.headers.get("x-api-token") != API_TOKEN:
            return JSONResponse({"meta": self._meta("401 - Unauthorized")}, status_code=401)
        found = self.responses.get((survey_id, response_id))
        if found is None:
            return JSONResponse({"meta": self._meta("404 - Not Found")}, status_code=404)
        return JSONResponse({"result": found, "meta": self._meta("200 - OK")})

    async def _put(self, response_id: str, request: Request) -> JSONResponse:
        if request.headers.get("x-api-token") != API_TOKEN:
            return JSONResponse({"meta": self._meta("401 - Unauthorized")}, status_code=401)
        body = await request.json()
        self.writes[response_id] = body.get("embeddedData", {})
        return JSONResponse({"meta": self._meta("200 - OK")})


def serve_in_thread(app: Any) -> tuple[str, uvicorn.Server]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


def completed_event(survey_id: str, response_id: str, shared_key: str) -> bytes:
    """The form Qualtrics posts to an event subscription's publicationUrl."""
    msg = json.dumps(
        {
            "Status": "Complete",
            "SurveyID": survey_id,
            "ResponseID": response_id,
            "CompletedDate": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
            "BrandID": "mockbrand",
        },
        separators=(",", ":"),
    )
    signature = hmac.new(shared_key.encode(), msg.encode(), hashlib.sha512).hexdigest()
    topic = f"mockbrand.surveyengine.completedResponse.{survey_id}"
    return urlencode([("Topic", topic), ("HMAC", signature), ("MSG", msg)]).encode()


def _pointer_path(n: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "mousemove",
            "t": round(i * 16.7 + (i % 7) * 1.3, 1),
            "x": round(300 + 250 * math.sin(i / 37) + (i % 5), 1),
            "y": round(200 + 90 * math.cos(i / 23) + (i % 3), 1),
        }
        for i in range(n)
    ]


async def _session(
    service: httpx.AsyncClient, key: str, platform: str, survey: str, respondent: str
) -> str:
    auth = {"Authorization": f"Bearer {key}"}
    body = {"platform": platform, "survey_id": survey, "respondent_id": respondent}
    created = (await service.post("/api/v1/detection/sessions", json=body, headers=auth)).json()
    await service.post(
        f"/api/v1/detection/sessions/{created['session_id']}/events",
        json={"batch_id": "b1", "events": _pointer_path(400)},
        headers={**auth, "X-Session-Token": created["token"]},
    )
    return str(created["session_id"])


async def run(
    service: httpx.AsyncClient, secret_key: str, wait_seconds: float = 30
) -> dict[str, Any]:
    """Play both platforms once; return what each of them received."""
    mock = MockQualtrics()
    mock_url, mock_server = serve_in_thread(mock.app)
    auth = {"Authorization": f"Bearer {secret_key}"}
    try:
        survey, response_id = "SV_mock" + uuid.uuid4().hex[:8], "R_" + uuid.uuid4().hex[:15]
        integration = (
            await service.post(
                "/api/v1/integrations",
                json={
                    "platform": "qualtrics",
                    "name": "mock Qualtrics",
                    "survey_id": survey,
                    "base_url": mock_url,
                    "api_token": API_TOKEN,
                },
                headers=auth,
            )
        ).json()
        sid = await _session(service, secret_key, "qualtrics", survey, response_id)
        web_service = (
            await service.post(
                "/api/v1/integrations/qualtrics/score",
                json={"survey_id": survey, "response_id": response_id, "session_id": sid},
                headers={"Authorization": f"Bearer {integration['token']}"},
            )
        ).json()
        mock.responses[(survey, response_id)] = {
            "responseId": response_id,
            "values": {
                "duration": 312,
                "QID1_1": 4,
                "QID1_2": 2,
                "QID1_3": 5,
                "QID1_4": 3,
                "QID1_5": 4,
                "QID2_TEXT": "Clear questions, a bit long.",
                "botsieve_session": sid,
            },
            "labels": {},
        }
        event = await service.post(
            integration["event_path"],
            content=completed_event(survey, response_id, integration["shared_key"]),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        deadline = time.monotonic() + wait_seconds
        while response_id not in mock.writes and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

        dsurvey, respondent = "selfserve/mock/proj" + uuid.uuid4().hex[:4], uuid.uuid4().hex
        decipher = (
            await service.post(
                "/api/v1/integrations",
                json={"platform": "decipher", "name": "mock Decipher", "survey_id": dsurvey},
                headers=auth,
            )
        ).json()
        dsid = await _session(service, secret_key, "decipher", dsurvey, respondent)
        logic_node = (
            await service.post(
                "/api/v1/integrations/decipher/score",
                content=urlencode(
                    {
                        "token": decipher["token"],
                        "survey": dsurvey,
                        "uuid": respondent,
                        "session": dsid,
                    }
                ),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        ).json()
    finally:
        mock_server.should_exit = True
    return {
        "qualtrics": {
            "web_service_reply": web_service,
            "event_reply": event.json(),
            "embedded_data_written": mock.writes.get(response_id),
        },
        "decipher": {"logic_node_reply": logic_node},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Simulate Qualtrics and Decipher end to end.")
    parser.add_argument("--service", default="http://127.0.0.1:8000")
    parser.add_argument("--secret-key", required=True)
    args = parser.parse_args()

    async def go() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=args.service, timeout=30) as service:
            return await run(service, args.secret_key)

    print(json.dumps(asyncio.run(go()), indent=2))


if __name__ == "__main__":
    main()
