"""An analyst's label flows back: Qualtrics' embedded data and a session.labelled webhook."""

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
    assert fake.writes[-1][1]["embeddedData"] == {"botsieve_label": "bot", "botsieve_exclude": "0"}
    assert fake.writes[-1][1]["resetRecordedDate"] is False
    events = [r["body"] for r in hooks.received]
    assert [e["type"] for e in events] == ["session.labelled", "session.labelled"]
    assert sorted(e["data"]["label"] for e in events) == ["bot", "human"]
    assert all(e["data"]["response_id"] == "R_l1" for e in events)
