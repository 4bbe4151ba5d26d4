"""A stand-in for Qualtrics: the Responses API it serves and the event posts it sends.

Byte for byte what Qualtrics documents: ``GET /API/v3/surveys/{surveyId}/responses/{responseId}``
and ``PUT /API/v3/responses/{responseId}`` behind ``X-API-TOKEN``; event subscription posts as
``application/x-www-form-urlencoded`` with ``Topic``, ``HMAC`` (hex HMAC-SHA512 of ``MSG`` under
the sharedKey) and ``MSG`` (a JSON string).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

API_TOKEN = "qualtrics-api-token-for-tests"


def _meta(status: str = "200 - OK") -> dict[str, Any]:
    return {"httpStatus": status, "requestId": str(uuid.uuid4())}


class FakeQualtrics:
    """State of the fake brand: stored responses, and every embedded-data write received."""

    def __init__(self) -> None:
        self.responses: dict[tuple[str, str], dict[str, Any]] = {}
        self.writes: list[tuple[str, dict[str, Any]]] = []
        self.gets = 0
        self.fail_puts = 0  # answer this many PUTs with 503 before accepting
        self.app = self._build()

    def add_response(
        self,
        survey_id: str,
        response_id: str,
        values: dict[str, Any],
        labels: dict[str, Any] | None = None,
    ) -> None:
        self.responses[(survey_id, response_id)] = {
            "responseId": response_id,
            "values": values,
            "labels": labels or {},
            "displayedFields": sorted(values),
            "displayedValues": {},
        }

    def _build(self) -> FastAPI:
        app = FastAPI()

        def unauthorised(request: Request) -> JSONResponse | None:
            if request.headers.get("x-api-token") != API_TOKEN:
                return JSONResponse({"meta": _meta("401 - Unauthorized")}, status_code=401)
            return None

        @app.get("/API/v3/surveys/{survey_id}/responses/{response_id}")
        async def get_response(survey_id: str, response_id: str, request: Request) -> JSONResponse:
            if (denied := unauthorised(request)) is not None:
                return denied
            self.gets += 1
            found = self.responses.get((survey_id, response_id))
            if found is None:
                return JSONResponse({"meta": _meta("404 - Not Found")}, status_code=404)
            return JSONResponse({"result": found, "meta": _meta()})

        @app.put("/API/v3/responses/{response_id}")
        async def update_response(response_id: str, request: Request) -> JSONResponse:
            if (denied := unauthorised(request)) is not None:
                return denied
            if self.fail_puts > 0:
                self.fail_puts -= 1
                return JSONResponse({"meta": _meta("503 - Service Unavailable")}, status_code=503)
            body = await request.json()
            embedded = body.get("embeddedData")
            if not isinstance(embedded, dict) or not all(
                isinstance(v, str) for v in embedded.values()
            ):
                return JSONResponse({"meta": _meta("400 - Bad Request")}, status_code=400)
            if (body.get("surveyId"), response_id) not in self.responses:
                return JSONResponse({"meta": _meta("404 - Not Found")}, status_code=404)
            self.writes.append((response_id, body))
            return JSONResponse({"meta": _meta()})

        return app


def completed_event(
    survey_id: str,
    response_id: str,
    shared_key: str | None,
    *,
    brand: str = "acme",
    completed: str = "2026-11-28 09:01:02",
) -> bytes:
    """The body Qualtrics posts for surveyengine.completedResponse.{SurveyID}."""
    # The eight fields Qualtrics documents for a completed response; an anonymous link has no
    # recipient or distribution, which Qualtrics sends as empty strings.
    msg = json.dumps(
        {
            "Status": "Complete",
            "SurveyID": survey_id,
            "ResponseID": response_id,
            "RecipientID": "",
            "ResponseEventContext": "",
            "DistributionID": "",
            "CompletedDate": completed,
            "BrandID": brand,
        },
        separators=(",", ":"),
    )
    fields = [("Topic", f"{brand}.surveyengine.completedResponse.{survey_id}")]
    if shared_key is not None:
        fields.append(
            ("HMAC", hmac.new(shared_key.encode(), msg.encode(), hashlib.sha512).hexdigest())
        )
    fields.append(("MSG", msg))
    return urlencode(fields).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
