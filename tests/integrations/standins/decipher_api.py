"""A stand-in for Decipher's REST API: the data, the datamap, and "Modifying Data".

As Decipher documents it: every call needs the 64-character key in ``x-apikey``;
``GET /api/v1/surveys/{survey}/data?format=json`` returns a JSON array of records, filtered
by ``cond`` (here the one form botsieve sends, ``uuid == "..."``); ``GET .../datamap?format=json``
returns ``{"variables": [...], "questions": [...]}``; ``PUT .../data/edit`` with
``{"key", "data"}`` changes the matching records and answers ``{"stats": {...}, "backup"}``.
An unknown key variable is ``400 invalid key``, an unknown variable ``400 bad variable <name>``.
Errors are ``{"$error": ..., "$code": ...}``; every reply carries ``x-usage-today``. One thing
it cannot copy: Decipher repeats the error message in the HTTP reason phrase.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

API_KEY = secrets.token_hex(32)  # 64 characters, as Decipher's keys are
SYSTEM = ("record", "uuid", "date", "status", "markers", "qtime", "url", "session", "list")
_COND = re.compile(r'^\s*uuid\s*==\s*"([^"]*)"\s*$')


def text_question(label: str, title: str = "") -> dict[str, Any]:
    variable = {"label": label, "qlabel": label, "type": "text", "title": title, "row": ""}
    return {"qlabel": label, "qtitle": title, "type": "text", "variables": [variable]}


def grid_question(label: str, rows: int, points: int = 5) -> dict[str, Any]:
    values = [{"value": v, "title": f"point {v}"} for v in range(1, points + 1)]
    variables = [
        {
            "label": f"{label}r{r}",
            "qlabel": label,
            "type": "single",
            "row": f"r{r}",
            "values": values,
        }
        for r in range(1, rows + 1)
    ]
    return {
        "qlabel": label,
        "qtitle": label,
        "type": "single",
        "grouping": "rows",
        "variables": variables,
    }


class FakeDecipher:
    """One survey: its datamap, its records, and every edit received."""

    def __init__(self, survey: str, questions: list[dict[str, Any]]) -> None:
        self.survey = survey.strip("/")
        self.questions = questions
        self.records: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str]] = []
        self.fail_next: list[int] = []  # answer these statuses first (429, 500, ...)
        self.hibernated = False
        self.app = self._build()

    @property
    def variables(self) -> set[str]:
        return set(SYSTEM) | {v["label"] for q in self.questions for v in q["variables"]}

    def add_record(self, uuid: str, **values: Any) -> dict[str, Any]:
        record = {
            "record": len(self.records) + 1,
            "uuid": uuid,
            "status": 3,
            "markers": "qualified",
        }
        record.update(values)
        self.records.append(record)
        return record

    def record(self, uuid: str) -> dict[str, Any] | None:
        return next((r for r in self.records if r["uuid"] == uuid), None)

    def _reply(self, body: Any, status: int = 200) -> JSONResponse:
        headers = {"x-usage-today": f"{len(self.calls)} {len(self.calls) * 10}"}
        return JSONResponse(body, status_code=status, headers=headers)

    def _error(self, status: int, message: str) -> JSONResponse:
        return self._reply({"$error": message, "$code": status}, status)

    def _refused(self, request: Request, survey: str) -> JSONResponse | None:
        self.calls.append((request.method, request.url.path))
        if request.headers.get("x-apikey") != API_KEY:
            return self._error(
                401, "invalid key. Verify the spelling of your key by accessing the Research Hub"
            )
        if self.fail_next:
            return self._error(self.fail_next.pop(0), "too many concurrent requests")
        if survey.strip("/") != self.survey:
            return self._error(404, f"survey {survey} not found")
        if self.hibernated:
            return self._error(428, "survey is hibernated: reactivation required")
        return None

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/api/v1/surveys/{survey:path}/datamap")
        async def datamap(survey: str, request: Request) -> JSONResponse:
            if (refused := self._refused(request, survey)) is not None:
                return refused
            if request.query_params.get("format") != "json":
                return self._error(400, "format: only json is served by this stand-in")
            variables = [v for q in self.questions for v in q["variables"]]
            return self._reply({"variables": variables, "questions": self.questions})

        @app.get("/api/v1/surveys/{survey:path}/data")
        async def data(survey: str, request: Request) -> JSONResponse:
            if (refused := self._refused(request, survey)) is not None:
                return refused
            if request.query_params.get("format") != "json":
                return self._error(400, "format: only json is served by this stand-in")
            cond = request.query_params.get("cond", "all")
            if cond == "all":
                return self._reply(self.records)
            match = _COND.match(cond)
            if match is None:
                return self._error(400, f"invalid condition {cond!r}")
            return self._reply([r for r in self.records if r["uuid"] == match.group(1)])

        @app.put("/api/v1/surveys/{survey:path}/data/edit")
        async def edit(survey: str, request: Request) -> JSONResponse:
            if (refused := self._refused(request, survey)) is not None:
                return refused
            try:
                body = await request.json()
            except ValueError:
                return self._error(400, "the body is not JSON")
            key, rows = body.get("key"), body.get("data")
            if key not in self.variables:
                return self._error(400, "invalid key")
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                return self._error(400, "data must be an array of objects")
            for row in rows:
                for name in row:
                    if name not in self.variables:
                        return self._error(400, f"bad variable {name}")
            return self._reply(self._apply(key, rows, bool(body.get("test"))))

        return app

    def _apply(self, key: str, rows: list[dict[str, Any]], test: bool) -> dict[str, Any]:
        stats = {"rows": len(rows), "unseen": 0, "rewritten": 0, "unchanged": 0, "inrows": 0}
        stats.update(fieldsUpdated=0, fieldsIdentical=0, fieldsErronous=0, bad=[])
        for row in rows:
            matches = [r for r in self.records if r.get(key) == row.get(key)]
            if not matches:
                stats["unseen"] += 1
                continue
            for record in matches:
                changed = {k: v for k, v in row.items() if record.get(k) != v}
                stats["fieldsUpdated"] += len(changed)
                stats["fieldsIdentical"] += len(row) - len(changed)
                stats["rewritten" if changed else "unchanged"] += 1
                stats["inrows"] += 1
                if not test:
                    record.update(changed)
            if not test:
                self.edits.append(dict(row))
        return {"stats": stats, "backup": f"{self.survey}/dataedit/data/old-results/001.results.*"}
