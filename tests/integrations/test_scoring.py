"""One session per response, sessions found by respondent, and verdicts that converge."""

from __future__ import annotations

import datetime as dt

from botsieve.integrations import outbox, scoring
from tests.factories import mouse_path, new_session, send_events
from tests.integrations.conftest import BASE, SURVEY, create_integration, human_session
from tests.integrations.standins.qualtrics import FORM, completed_event

SCORE = f"{BASE}/qualtrics/score"
DECIPHER = f"{BASE}/decipher/score"
DECIPHER_SURVEY = "selfserve/9d3/proj1234"


def bearer(created):
    return {"Authorization": f"Bearer {created['token']}"}


async def _score(client, created, response_id, session_id=None):
    body = {"survey_id": SURVEY, "response_id": response_id}
    if session_id is not None:
        body["session_id"] = session_id
    reply = await client.post(SCORE, json=body, headers=bearer(created))
    assert reply.status_code == 200, reply.text
    return reply.json()


async def _anonymous_session(client, admin, events: int, survey_id: str = SURVEY) -> dict:
    """A session made without a respondent id (the platform's id was not available)."""
    session = await new_session(client, admin, survey_id=survey_id, respondent_id=None)
    if events:
        assert (await send_events(client, admin, session, mouse_path(events))).status_code == 202
    return session


async def test_a_session_vouches_for_the_first_response_only(client, admin, qualtrics):
    session = await _anonymous_session(client, admin, 120)
    sid = str(session["session_id"])
    first = await _score(client, qualtrics, "R_first", sid)
    assert first["status"] == "ok"
    for other in ("R_bot1", "R_bot2"):
        reused = await _score(client, qualtrics, other, sid)
        assert reused["status"] == "session_reused", reused
        assert reused["verdict"] == "unknown" and reused["score"] == ""
        assert "session_of_another_response" in reused["flags"].split(";")
    # The first response still gets its verdict, unchanged.
    assert await _score(client, qualtrics, "R_first", sid) == first


async def test_a_session_of_another_survey_is_reused_not_ok(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_x", survey_id="SV_another")
    reply = await _score(client, qualtrics, "R_x", sid)
    assert reply["status"] == "session_reused"
    assert "session_of_another_survey" in reply["flags"].split(";")


async def test_an_unknown_or_malformed_session_id_is_no_session(client, qualtrics):
    for sid in ("not-a-uuid", "0190f0f0-0000-7000-8000-000000000000"):
        reply = await _score(client, qualtrics, f"R_{sid[:3]}", sid)
        assert reply["status"] == "no_session"
        assert "session_unknown" in reply["flags"].split(";")


async def test_without_a_session_id_the_session_is_found_by_respondent(client, admin, qualtrics):
    sid = await human_session(client, admin, "R_by_id")
    reply = await _score(client, qualtrics, "R_by_id")
    assert reply["status"] == "ok", reply
    assert "session_by_respondent" in reply["flags"].split(";")
    # ... and is then bound: quoting it for another response does not work.
    assert (await _score(client, qualtrics, "R_other", sid))["status"] == "session_reused"


async def test_too_few_events_is_provisional_then_converges(client, admin, qualtrics):
    session = await new_session(client, admin, survey_id=SURVEY, respondent_id="R_prov")
    assert (await send_events(client, admin, session, mouse_path(5))).status_code == 202
    early = await _score(client, qualtrics, "R_prov", str(session["session_id"]))
    assert early["status"] == "provisional" and early["verdict"] == "unknown"
    assert "too_few_events" in early["flags"].split(";")
    more = mouse_path(120, start_t=200)
    assert (await send_events(client, admin, session, more, batch_id="b2")).status_code == 202
    later = await _score(client, qualtrics, "R_prov", str(session["session_id"]))
    assert later["status"] == "ok" and later["verdict"] in ("human", "bot")
    # Final now: a third call returns the same.
    assert await _score(client, qualtrics, "R_prov", str(session["session_id"])) == later


async def test_no_session_first_then_a_session_overwrites_it(client, admin, qualtrics):
    assert (await _score(client, qualtrics, "R_late", ""))["status"] == "no_session"
    sid = await human_session(client, admin, "R_late")
    assert (await _score(client, qualtrics, "R_late", sid))["status"] == "ok"


async def test_the_completion_event_rescores_and_writes_back_once(
    app, client, admin, qualtrics, fake_qualtrics, outbound
):
    """The Web Service element got no verdict (no session yet); the completion event finds the
    session in the response and writes the real verdict back, once."""
    fake, _ = fake_qualtrics
    assert (await _score(client, qualtrics, "R_conv", ""))["status"] == "no_session"
    sid = await human_session(client, admin, "R_conv")
    fake.add_response(SURVEY, "R_conv", {"duration": 300, "__js_botsieve_session": sid})
    body = completed_event(SURVEY, "R_conv", qualtrics["shared_key"])
    assert (await client.post(qualtrics["event_path"], content=body, headers=FORM)).is_success
    state = app.state.botsieve
    assert await outbox.run_once(state, outbound) == 1
    assert len(fake.writes) == 1
    embedded = fake.writes[0][1]["embeddedData"]
    assert embedded["botsieve_status"] == "ok" and embedded["botsieve_verdict"] in ("human", "bot")
    # The Web Service element asked again (a back button) gets the same, and nothing loops.
    assert (await _score(client, qualtrics, "R_conv", sid))["status"] == "ok"
    await client.post(qualtrics["event_path"], content=body, headers=FORM)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert await outbox.run_once(state, outbound, now=later) == 0
    assert len(fake.writes) == 1


async def test_decipher_finds_the_session_by_uuid(client, admin):
    created = await create_integration(
        client, admin, platform="decipher", survey_id=DECIPHER_SURVEY
    )
    await human_session(client, admin, "uuid-42", survey_id=DECIPHER_SURVEY)
    body = {"token": created["token"], "survey": DECIPHER_SURVEY, "uuid": "uuid-42", "session": ""}
    reply = await client.post(DECIPHER, json=body)
    assert reply.status_code == 200 and reply.json()["status"] == "ok", reply.text
    body["uuid"] = "uuid-none"
    assert (await client.post(DECIPHER, json=body)).json()["status"] == "no_session"


def test_the_engine_s_insufficient_evidence_is_its_own_status_never_human():
    """The engine's abstention is its own answer; otherwise the rule's ``is_bot`` decides,
    whatever the engine's own verdict was."""

    class Result:
        is_bot = False
        verdict = "insufficient_evidence"

    class RuleExcludes:
        is_bot = True
        verdict = "human"  # under the model's threshold, over the survey's

    class RuleKeeps:
        is_bot = False
        verdict = "bot"

    assert scoring.decision_of(Result()) == "insufficient_evidence"  # type: ignore[arg-type]
    assert scoring.decision_of(RuleExcludes()) == "bot"  # type: ignore[arg-type]
    assert scoring.decision_of(RuleKeeps()) == "human"  # type: ignore[arg-type]
    verdict = scoring.Verdict(scoring.INSUFFICIENT_EVIDENCE, reasons=["missing: mouse; keys"])
    values = scoring.values_of(verdict, [])
    assert values["verdict"] == "unknown" and values["score"] is None
    assert values["flags"] == ["missing: mouse, keys"]
    assert scoring.INSUFFICIENT_EVIDENCE not in scoring.FINAL


async def test_the_survey_s_decision_rule_decides_the_live_reply_and_the_entry_check(
    client, admin, qualtrics
):
    """What the survey platform is told follows the rule the researcher saved, as the API's
    ``is_bot``, the dashboard and the export do: not the model's own threshold."""
    bearer = {"Authorization": f"Bearer {qualtrics['token']}"}
    sid = await human_session(client, admin, "R_rule")
    analysed = await client.post(f"/api/v1/detection/sessions/{sid}/analyze", headers=admin)
    p = analysed.json()["bot_probability"]
    rules = "/api/v1/decision-rules/surveys/" + SURVEY
    replies = {}
    for name, threshold in (("strict", max(0.0, p - 1e-6)), ("lenient", min(1.0, p + 1e-3))):
        saved = await client.put(rules, json={"threshold": threshold}, headers=admin)
        assert saved.status_code == 200, saved.text
        body = {"survey_id": SURVEY, "response_id": "R_rule", "session_id": sid}
        entry = await client.post(f"{BASE}/qualtrics/entry", json=body, headers=bearer)
        assert entry.status_code == 200, entry.text
        replies[name] = (entry.json()["verdict"], entry.json()["decision"])
    assert replies == {"strict": ("bot", "block"), "lenient": ("human", "pass")}
