"""An analyst's label or review flows back: Qualtrics' embedded data and a webhook."""

from __future__ import annotations

from botsieve.integrations import outbox
from tests.integrations.conftest import BASE, SURVEY, human_session

SCORE = f"{BASE}/qualtrics/score"


async def _score(client, created, response_id, sid):
    body = {"survey_id": SURVEY, "response_id": response_id, "session_id": sid}
    headers = {"Authorization": f"Bearer {created['token']}"}
    return (await client.post(SCORE, json=body, headers=headers)).json()


async def _label(client, admin, sid, label):
    reply = await client.put(
        f"/api/v1/dashboard/sessions/{sid}/label", json={"label": label}, headers=admin
    )
    assert reply.status_code == 200, reply.text


async def test_a_label_is_written_back_and_announced(
    app, client, admin, qualtrics, fake_qualtrics, receiver, outbound
):
    fake, _ = fake_qualtrics
    hooks, server = receiver
    created = await client.post(
        f"{BASE}/webhooks",
        json={"url": f"{server.url}/hooks", "events": ["session.labelled"]},
        headers=admin,
    )
    hooks.secrets = [created.json()["secret"]]
    sid = await human_session(client, admin, "R_l1")
    fake.add_response(SURVEY, "R_l1", {"duration": 100})
    fake.add_response(SURVEY, "R_l2", {"duration": 100})
    assert (await _score(client, qualtrics, "R_l1", sid))["status"] == "ok"
    assert (await _score(client, qualtrics, "R_l2", sid))["status"] == "session_reused"
    await _label(client, admin, sid, "human")
    await _label(client, admin, sid, "bot")
    state = app.state.botsieve
    while await outbox.run_once(state, outbound):
        pass
    # Only the response the session vouches for; written as the label finally stands. The
    # label does not exclude (the decision does): this person-like session stays kept.
    assert {w[0] for w in fake.writes} == {"R_l1"}
    assert fake.writes[-1][1]["embeddedData"] == {
        "botsieve_label": "bot",
        "botsieve_exclude": "0",
        "botsieve_decision": "keep",
    }
    assert fake.writes[-1][1]["resetRecordedDate"] is False
    events = [r["body"] for r in hooks.received]
    assert [e["type"] for e in events] == ["session.labelled", "session.labelled"]
    assert sorted(e["data"]["label"] for e in events) == ["bot", "human"]
    assert all(e["data"]["response_id"] == "R_l1" for e in events)


async def test_a_review_decision_is_written_back_and_announced(
    app, client, admin, qualtrics, fake_qualtrics, receiver, outbound
):
    """Confirming a session as a bot excludes it in the platform's data too; dismissing it as a
    person keeps it again. Each review is a ``session.reviewed`` webhook with the decision."""
    fake, _ = fake_qualtrics
    hooks, server = receiver
    created = await client.post(
        f"{BASE}/webhooks",
        json={"url": f"{server.url}/hooks", "events": ["session.reviewed"]},
        headers=admin,
    )
    hooks.secrets = [created.json()["secret"]]
    sid = await human_session(client, admin, "R_r1")
    fake.add_response(SURVEY, "R_r1", {"duration": 100})
    assert (await _score(client, qualtrics, "R_r1", sid))["decision"] == "keep"
    state = app.state.botsieve
    written = []
    for review, decision in (("confirmed_bot", "exclude"), ("dismissed", "keep")):
        body = {"session_ids": [sid], "state": review, "note": "checked the answers"}
        reviewed = await client.post("/api/v1/dashboard/review/decisions", json=body, headers=admin)
        assert reviewed.status_code == 200, reviewed.text
        while await outbox.run_once(state, outbound):
            pass
        written.append(fake.writes[-1][1]["embeddedData"])
        assert (await _score(client, qualtrics, "R_r1", sid))["decision"] == decision
    assert [(w["botsieve_decision"], w["botsieve_exclude"]) for w in written] == [
        ("exclude", "1"),
        ("keep", "0"),
    ]
    events = [r["body"] for r in hooks.received]
    assert [e["type"] for e in events] == ["session.reviewed", "session.reviewed"]
    told = [
        (e["data"]["review_state"], e["data"]["decision"], e["data"]["exclude"]) for e in events
    ]
    assert told == [("confirmed_bot", "exclude", True), ("dismissed", "keep", False)]
    assert all(e["data"]["response_id"] == "R_r1" for e in events)
