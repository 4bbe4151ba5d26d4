"""The check at entry: block, review or pass, early in the survey, without a final verdict."""

from __future__ import annotations

from botsieve.integrations import entry, scoring
from tests.factories import mouse_path, new_session, send_events
from tests.integrations.conftest import BASE, SURVEY, create_integration, human_session

ENTRY = f"{BASE}/qualtrics/entry"
SCORE = f"{BASE}/qualtrics/score"


def bearer(created):
    return {"Authorization": f"Bearer {created['token']}"}


async def _entry(client, created, response_id, session_id=""):
    body = {"survey_id": SURVEY, "response_id": response_id, "session_id": session_id}
    reply = await client.post(ENTRY, json=body, headers=bearer(created))
    assert reply.status_code == 200, reply.text
    return reply.json()


async def test_a_scored_session_passes_or_is_blocked_by_its_verdict(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_e1")
    reply = await _entry(client, qualtrics, "R_e1", sid)
    assert reply["status"] == "ok"
    assert reply["decision"] == ("block" if reply["verdict"] == "bot" else "pass")
    # Nothing final was stored: no response row until the end-of-survey call makes one.
    export = f"/api/v1/surveys/{SURVEY}/responses?format=jsonl"
    assert (await client.get(export, headers=admin)).text == ""
    body = {"survey_id": SURVEY, "response_id": "R_e1", "session_id": sid}
    end = (await client.post(SCORE, json=body, headers=bearer(qualtrics))).json()
    assert end["status"] == "ok" and end["verdict"] == reply["verdict"]
    assert (await client.get(export, headers=admin)).text.count("\n") == 1


async def test_the_end_call_completes_a_session_the_entry_check_left_open(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_e6")
    assert (await _entry(client, qualtrics, "R_e6", sid))["status"] == "ok"
    status = f"/api/v1/detection/sessions/{sid}/status"
    result = f"/api/v1/detection/sessions/{sid}/result"
    opened = (await client.get(status, headers=admin)).json()
    assert opened["is_completed"] is False and opened["status"] == "active"
    entry_result = (await client.get(result, headers=admin)).json()
    # No event since the entry check: its analysis stands, and the session is completed.
    body = {"survey_id": SURVEY, "response_id": "R_e6", "session_id": sid}
    end = await client.post(SCORE, json=body, headers=bearer(qualtrics))
    assert end.status_code == 200 and end.json()["status"] == "ok"
    closed = (await client.get(status, headers=admin)).json()
    assert closed["is_completed"] is True and closed["status"] == "completed"
    assert (await client.get(result, headers=admin)).json() == entry_result


async def test_events_after_the_entry_check_are_analysed_by_the_end_call(client, admin, qualtrics):
    session = await new_session(client, admin, survey_id=SURVEY, respondent_id="R_e7")
    assert (await send_events(client, admin, session, mouse_path(60))).status_code == 202
    sid = str(session["session_id"])
    assert (await _entry(client, qualtrics, "R_e7", sid))["status"] == "ok"
    result = f"/api/v1/detection/sessions/{sid}/result"
    first = (await client.get(result, headers=admin)).json()
    later = mouse_path(60, start_t=60_000.0)
    assert (await send_events(client, admin, session, later, batch_id="b2")).status_code == 202
    body = {"survey_id": SURVEY, "response_id": "R_e7", "session_id": sid}
    assert (await client.post(SCORE, json=body, headers=bearer(qualtrics))).status_code == 200
    final = (await client.get(result, headers=admin)).json()
    assert final["event_count"] > first["event_count"]
    assert final["created_at"] > first["created_at"]


async def test_too_little_evidence_is_review_and_the_session_stays_open(client, admin, qualtrics):
    session = await new_session(client, admin, survey_id=SURVEY, respondent_id="R_e2")
    assert (await send_events(client, admin, session, mouse_path(5))).status_code == 202
    reply = await _entry(client, qualtrics, "R_e2", str(session["session_id"]))
    assert reply["decision"] == "review" and reply["status"] == "provisional"
    assert (await _entry(client, qualtrics, "R_nobody"))["decision"] == "review"


async def test_a_session_of_another_response_is_blocked_at_entry(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_e3")
    assert (await _entry(client, qualtrics, "R_e3", sid))["status"] == "ok"
    reply = await _entry(client, qualtrics, "R_e4", sid)
    assert reply["decision"] == "block" and reply["status"] == "session_reused"


async def test_fail_closed_blocks_what_cannot_be_scored(client, admin, fake_qualtrics):
    closed = await create_integration(client, admin, config={"fail_mode": "closed"})
    assert (await _entry(client, closed, "R_e5"))["decision"] == "block"


async def test_decipher_entry_finds_the_session_by_uuid(client, admin):
    survey = "selfserve/9d3/proj1234"
    created = await create_integration(client, admin, platform="decipher", survey_id=survey)
    await human_session(client, admin, "u-entry", survey_id=survey)
    body = {"token": created["token"], "survey": survey, "uuid": "u-entry"}
    reply = await client.post(f"{BASE}/decipher/entry", json=body)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "ok" and reply.json()["decision"] in ("block", "pass")


def test_the_decision_table():
    reused = scoring.Verdict(scoring.SESSION_REUSED)
    for status in (scoring.PROVISIONAL, scoring.NO_SESSION, scoring.INSUFFICIENT_EVIDENCE):
        assert entry.decide(scoring.Verdict(status), "open") == "review"
        assert entry.decide(scoring.Verdict(status), "closed") == "block"
    assert entry.decide(reused, "open") == "block"
