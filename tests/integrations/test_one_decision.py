"""One decision everywhere: the sessions API, the dashboard, the platform's reply and
write-back, the webhook and the reconciliation export say the same exclude / review / keep /
insufficient_evidence for a session under the survey's rule, and the live surfaces follow a
changed rule without re-analysis.

The write-back and the webhook are checked as delivered: the Qualtrics stand-in records the
Embedded Data it was sent, and a webhook receiver on a loopback port the body it got, after
the completion event went through the outbox like any other."""

from __future__ import annotations

from typing import Any

from botsieve.integrations import outbox
from tests.factories import new_session, send_events
from tests.integrations.conftest import BASE, SURVEY, human_session
from tests.integrations.standins.qualtrics import FORM, completed_event
from tests.integrations.test_export import _pages

RULES = f"/api/v1/decision-rules/surveys/{SURVEY}"
VERDICT = {"exclude": "bot", "review": "human", "keep": "human", "insufficient_evidence": "unknown"}
ENTRY = {"exclude": "block", "review": "review", "keep": "pass", "insufficient_evidence": "review"}


def _rules_around(p: float) -> dict[str, dict[str, float]]:
    """Three rules that put probability ``p`` below, inside and above the review band."""
    return {
        "keep": {"threshold": min(1.0, p + 0.02), "review_from": min(1.0, p + 0.01)},
        "review": {"threshold": min(1.0, p + 0.01), "review_from": max(0.0, p - 0.01)},
        "exclude": {"threshold": max(0.0, p - 0.01), "review_from": max(0.0, p - 0.02)},
    }


async def _touch_only_session(client, admin, response_id: str) -> str:
    """Taps on a phone and nothing else: neither mouse nor keyboard for the engine to judge,
    so it abstains (insufficient_evidence) whatever the survey's rule."""
    session = await new_session(client, admin, survey_id=SURVEY, respondent_id=response_id)
    events: list[dict[str, Any]] = []
    t = 1500.0
    for i in range(12):
        t += 2100.0 + 37.0 * (i % 5)
        spot = {"x": 200 + i, "y": 300}
        events.append({"type": "touchstart", "t": t, **spot, "id": 0})
        events.append({"type": "touchend", "t": t + 90, **spot, "id": 0})
        events.append({"type": "click", "t": t + 100, **spot, "button": 0})
    assert (await send_events(client, admin, session, events)).status_code == 202
    return str(session["session_id"])


async def _complete(app, client, qualtrics, fake_qualtrics, outbound, response_id, sid):
    """Qualtrics posts the completion event; the outbox runs the completion (write-back, then
    the webhooks it queued) as the worker would."""
    fake, _ = fake_qualtrics
    fake.add_response(SURVEY, response_id, {"duration": 200, "botsieve_session": sid})
    body = completed_event(SURVEY, response_id, qualtrics["shared_key"])
    posted = await client.post(qualtrics["event_path"], content=body, headers=FORM)
    assert posted.status_code == 200, posted.text
    while await outbox.run_once(app.state.botsieve, outbound):
        pass


async def _webhook_endpoint(client, admin, receiver) -> None:
    fake, server = receiver
    body = {"url": f"{server.url}/hooks", "events": ["result.ready", "session.flagged"]}
    created = await client.post(f"{BASE}/webhooks", json=body, headers=admin)
    assert created.status_code == 201, created.text
    fake.secrets = [created.json()["secret"]]


def _delivered(receiver, fake_qualtrics, response_id: str) -> dict[str, tuple]:
    """What reached the receiver and the Qualtrics stand-in for this response."""
    hooks, _ = receiver
    assert hooks.rejected == 0
    bodies = [r["body"] for r in hooks.received if r["body"]["data"]["response_id"] == response_id]
    [ready] = [b["data"] for b in bodies if b["type"] == "result.ready"]
    flagged = [b for b in bodies if b["type"] == "session.flagged"]
    qualtrics, _ = fake_qualtrics
    [written] = [w["embeddedData"] for rid, w in qualtrics.writes if rid == response_id]
    return {
        "write-back": (written["botsieve_decision"], written["botsieve_verdict"]),
        "webhook": (ready["decision"], ready["verdict"], len(flagged)),
    }


async def _exported(client, admin, fmt: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (await _pages(client, admin, fmt, limit=100))[0]
    return rows


async def _live(client, admin, qualtrics, sid: str, response_id: str) -> dict[str, tuple]:
    """Every surface that is read when asked: it says the decision as the rule stands now."""
    bearer = {"Authorization": f"Bearer {qualtrics['token']}"}
    body = {"survey_id": SURVEY, "response_id": response_id, "session_id": sid}
    api = (await client.get(f"/api/v1/detection/sessions/{sid}/result", headers=admin)).json()
    details = (await client.get(f"/api/v1/dashboard/sessions/{sid}/details", headers=admin)).json()
    listed = await client.get("/api/v1/dashboard/sessions", headers=admin)
    [row] = [s for s in listed.json()["items"] if s["session_id"] == sid]
    # The details name the platform's response the session vouches for.
    assert [(r["response_id"], r["platform"]) for r in details["responses"]] == [
        (response_id, "qualtrics")
    ]
    reply = (await client.post(f"{BASE}/qualtrics/score", json=body, headers=bearer)).json()
    entry = (await client.post(f"{BASE}/qualtrics/entry", json=body, headers=bearer)).json()
    [jsonl] = [
        r for r in await _exported(client, admin, "jsonl") if r["response_id"] == response_id
    ]
    [csv_row] = [
        r for r in await _exported(client, admin, "csv") if r["response_id"] == response_id
    ]
    return {
        "api": (api["decision"], api["is_bot"]),
        "dashboard details": (details["decision"], details["results"][0]["decision"]),
        "dashboard list": (row["decision"],),
        "live reply": (reply["decision"], reply["verdict"]),
        "entry check": (entry["decision"],),
        "export jsonl": (jsonl["decision"], jsonl["verdict"], jsonl["exclude"]),
        "export csv": (csv_row["decision"], csv_row["verdict"], csv_row["exclude"]),
    }


def _expected_live(decision: str) -> dict[str, tuple]:
    excluded = decision == "exclude"
    return {
        "api": (decision, excluded),
        "dashboard details": (decision, decision),
        "dashboard list": (decision,),
        "live reply": (decision, VERDICT[decision]),
        "entry check": (ENTRY[decision],),
        "export jsonl": (decision, VERDICT[decision], excluded),
        "export csv": (decision, VERDICT[decision], "true" if excluded else "false"),
    }


def _expected_delivered(decision: str) -> dict[str, tuple]:
    return {
        "write-back": (decision, VERDICT[decision]),
        "webhook": (decision, VERDICT[decision], int(decision == "exclude")),
    }


async def _analysed(client, admin, sid: str) -> dict[str, Any]:
    analysed = await client.post(f"/api/v1/detection/sessions/{sid}/analyze", headers=admin)
    assert analysed.status_code == 200, analysed.text
    result: dict[str, Any] = analysed.json()
    return result


async def test_a_response_completed_under_each_rule_is_told_its_decision_everywhere(
    app, client, admin, qualtrics, fake_qualtrics, receiver, outbound
):
    """Under a rule putting the session below, inside and above its review band, a response
    completed then gets the rule's decision on every surface, the delivered Qualtrics
    write-back and the delivered webhook included (``session.flagged`` only when excluded)."""
    await _webhook_endpoint(client, admin, receiver)
    for decision in ("keep", "review", "exclude"):
        response_id = f"R_{decision}"
        sid = await human_session(client, admin, response_id)
        p = (await _analysed(client, admin, sid))["bot_probability"]
        saved = await client.put(RULES, json=_rules_around(p)[decision], headers=admin)
        assert saved.status_code == 200, saved.text
        await _complete(app, client, qualtrics, fake_qualtrics, outbound, response_id, sid)
        told = {
            **await _live(client, admin, qualtrics, sid, response_id),
            **_delivered(receiver, fake_qualtrics, response_id),
        }
        assert told == {**_expected_live(decision), **_expected_delivered(decision)}, decision


async def test_an_abstaining_engine_is_insufficient_evidence_everywhere_under_any_rule(
    app, client, admin, qualtrics, fake_qualtrics, receiver, outbound
):
    """Not enough evidence is its own answer on every surface, delivered ones included: never
    human, and never excluded, even under a rule that would exclude every score."""
    await _webhook_endpoint(client, admin, receiver)
    saved = await client.put(RULES, json={"threshold": 0.0}, headers=admin)
    assert saved.status_code == 200, saved.text
    sid = await _touch_only_session(client, admin, "R_thin")
    analysed = await _analysed(client, admin, sid)
    assert analysed["verdict"] == "insufficient_evidence" and analysed["missing_evidence"]
    await _complete(app, client, qualtrics, fake_qualtrics, outbound, "R_thin", sid)
    told = {
        **await _live(client, admin, qualtrics, sid, "R_thin"),
        **_delivered(receiver, fake_qualtrics, "R_thin"),
    }
    assert told == {
        **_expected_live("insufficient_evidence"),
        **_expected_delivered("insufficient_evidence"),
    }


async def test_a_changed_rule_relabels_every_live_surface_without_re_analysis(
    client, admin, qualtrics
):
    """One session, three rules saved in turn: what is read when asked follows each rule.
    (A write-back or webhook already delivered is not sent again: docs/webhooks.md.)"""
    sid = await human_session(client, admin, "R_one")
    analysed = await _analysed(client, admin, sid)
    p, analysed_at = analysed["bot_probability"], analysed["created_at"]
    bearer = {"Authorization": f"Bearer {qualtrics['token']}"}
    first = {"survey_id": SURVEY, "response_id": "R_one", "session_id": sid}
    assert (await client.post(f"{BASE}/qualtrics/score", json=first, headers=bearer)).is_success
    for decision, rule in _rules_around(p).items():
        saved = await client.put(RULES, json=rule, headers=admin)
        assert saved.status_code == 200, saved.text
        told = await _live(client, admin, qualtrics, sid, "R_one")
        assert told == _expected_live(decision), decision
    # Relabelled, not re-analysed: the one analysis is still the session's.
    api = (await client.get(f"/api/v1/detection/sessions/{sid}/result", headers=admin)).json()
    assert api["created_at"] == analysed_at
