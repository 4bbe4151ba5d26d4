"""Reconciliation: a survey's scored responses as CSV and JSON Lines, page by page."""

from __future__ import annotations

import csv
import io

import orjson

from botsieve.integrations.export import COLUMNS, should_exclude
from botsieve.models import ScoredResponse
from tests.integrations.conftest import BASE, SURVEY, create_integration, human_session

SCORE = f"{BASE}/qualtrics/score"
EXPORT = f"/api/v1/surveys/{SURVEY}/responses"


async def _score(client, created, response_id, session_id=""):
    body = {"survey_id": SURVEY, "response_id": response_id, "session_id": session_id}
    headers = {"Authorization": f"Bearer {created['token']}"}
    reply = await client.post(SCORE, json=body, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


async def _pages(client, admin, fmt, limit):
    rows, cursor, pages = [], None, 0
    while True:
        params = {"format": fmt, "limit": limit, **({"cursor": cursor} if cursor else {})}
        reply = await client.get(EXPORT, params=params, headers=admin)
        assert reply.status_code == 200, reply.text
        pages += 1
        if fmt == "csv":
            assert reply.headers["content-type"].startswith("text/csv")
            table = list(csv.DictReader(io.StringIO(reply.text)))
            assert reply.text.split("\r\n")[0].split(",") == list(COLUMNS)
            rows += table
        else:
            assert reply.headers["content-type"].startswith("application/x-ndjson")
            rows += [orjson.loads(line) for line in reply.text.splitlines()]
        cursor = reply.headers.get("x-next-cursor")
        if cursor is None:
            return rows, pages


async def test_every_scored_response_is_exported_once_across_pages(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_1")
    ok = await _score(client, qualtrics, "R_1", sid)
    await _score(client, qualtrics, "R_2", sid)  # a borrowed session
    await _score(client, qualtrics, "R_3")  # no session
    for fmt in ("csv", "jsonl"):
        rows, pages = await _pages(client, admin, fmt, limit=2)
        assert pages == 2
        by_id = {r["response_id"]: r for r in rows}
        assert sorted(by_id) == ["R_1", "R_2", "R_3"]
        assert by_id["R_1"]["session_id"] == sid and by_id["R_1"]["respondent_id"] == "R_1"
        assert by_id["R_1"]["status"] == "ok" and by_id["R_1"]["verdict"] == ok["verdict"]
        assert by_id["R_2"]["status"] == "session_reused"
        assert by_id["R_3"]["status"] == "no_session"
    jsonl, _ = await _pages(client, admin, "jsonl", limit=10)
    first = next(r for r in jsonl if r["response_id"] == "R_1")
    assert first["exclude"] is (ok["verdict"] == "bot")
    # The platform's field carries the score to three places; the export keeps four.
    assert f"{first['probability']:.3f}" == ok["score"] and isinstance(first["reasons"], list)


async def test_a_label_is_exported_but_the_decision_excludes(client, admin, qualtrics):
    """A label is training data: it is exported, and only a review changes the exclusion, as
    in the API and the dashboard (the export counted labels once, and disagreed with them)."""
    sid = await human_session(client, admin, "R_lab")
    await _score(client, qualtrics, "R_lab", sid)
    reply = await client.put(
        f"/api/v1/dashboard/sessions/{sid}/label", json={"label": "bot"}, headers=admin
    )
    assert reply.status_code == 200, reply.text
    rows, _ = await _pages(client, admin, "jsonl", limit=10)
    session = (await client.get(f"/api/v1/detection/sessions/{sid}", headers=admin)).json()
    assert rows[0]["label"] == "bot" and rows[0]["exclude"] is False
    assert session.get("is_bot") in (None, False)
    body = {"session_ids": [sid], "state": "confirmed_bot"}
    reviewed = await client.post("/api/v1/dashboard/review/decisions", json=body, headers=admin)
    assert reviewed.status_code == 200, reviewed.text
    rows, _ = await _pages(client, admin, "jsonl", limit=10)
    assert rows[0]["exclude"] is True


def test_exclusion_is_one_function_of_the_decision():
    bot = ScoredResponse(verdict="bot", status="ok")
    human = ScoredResponse(verdict="human", status="ok")
    unknown = ScoredResponse(verdict="unknown", status="insufficient_evidence")
    assert should_exclude(bot, None) and not should_exclude(human, None)
    assert not should_exclude(unknown, None)
    assert not should_exclude(human, "bot") and should_exclude(bot, "human")
    assert should_exclude(human, "human", "exclude") and not should_exclude(bot, "bot", "review")


async def test_other_surveys_and_bad_requests(client, admin, qualtrics):
    other = await create_integration(client, admin, survey_id="SV_other")
    headers = {"Authorization": f"Bearer {other['token']}"}
    body = {"survey_id": "SV_other", "response_id": "R_o"}
    assert (await client.post(SCORE, json=body, headers=headers)).status_code == 200
    rows, _ = await _pages(client, admin, "jsonl", limit=10)
    assert rows == []
    for params in ({"format": "xlsx"}, {"cursor": "abc"}, {"limit": 0}):
        reply = await client.get(EXPORT, params=params, headers=admin)
        assert reply.status_code in (400, 422) and reply.json()["error"]["message"]
    assert (await client.get(EXPORT)).status_code == 401


async def test_a_decipher_survey_path_is_a_survey_id(client, admin):
    survey = "selfserve/9d3/proj1234"
    created = await create_integration(
        client, admin, platform="decipher", survey_id=survey, name="d"
    )
    body = {"token": created["token"], "survey": survey, "uuid": "u-1"}
    assert (await client.post(f"{BASE}/decipher/score", json=body)).status_code == 200
    reply = await client.get(f"/api/v1/surveys/{survey}/responses?format=jsonl", headers=admin)
    assert reply.status_code == 200
    assert [orjson.loads(x)["response_id"] for x in reply.text.splitlines()] == ["u-1"]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    from botsieve.integrations.export import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell(["a", "b"]) == "a;b" and _cell(None) == "" and _cell(True) == "true"
