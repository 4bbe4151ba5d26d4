"""Deleting an integration or a webhook endpoint from the dashboard's API: what hangs off it
goes with it, its credentials stop working at once, the survey's sessions stay."""

from __future__ import annotations

from sqlalchemy import func, select

from botsieve.kit.db import transaction
from botsieve.models import ScoredResponse, SessionBinding, Webhook
from tests.integrations.conftest import BASE, SURVEY, human_session

SCORE = f"{BASE}/qualtrics/score"
HOOKS = f"{BASE}/webhooks"


async def _count(app, model, **where) -> int:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await db.scalar(query) or 0)


async def test_deleting_an_integration_removes_what_names_it_and_stops_its_token(
    app, client, admin, qualtrics
):
    sid = await human_session(client, admin, "R_del")
    bearer = {"Authorization": f"Bearer {qualtrics['token']}"}
    body = {"survey_id": SURVEY, "response_id": "R_del", "session_id": sid}
    assert (await client.post(SCORE, json=body, headers=bearer)).status_code == 200
    iid = qualtrics["integration"]["id"]
    assert await _count(app, ScoredResponse) == 1
    assert await _count(app, SessionBinding) == 1

    gone = await client.delete(f"{BASE}/{iid}", headers=admin)
    assert gone.status_code == 204, gone.text
    assert all(i["id"] != iid for i in (await client.get(BASE, headers=admin)).json())
    assert await _count(app, ScoredResponse) == 0
    assert await _count(app, SessionBinding) == 0
    assert (await client.post(SCORE, json=body, headers=bearer)).status_code == 401
    # The session is the survey's, not the integration's.
    session = await client.get(f"/api/v1/detection/sessions/{sid}/status", headers=admin)
    assert session.status_code == 200, session.text
    again = await client.delete(f"{BASE}/{iid}", headers=admin)
    assert again.status_code == 404
    assert again.json()["error"]["message"]


async def test_a_deleted_webhook_endpoint_is_gone(app, client, admin):
    created = await client.post(HOOKS, json={"url": "https://hooks.example/x"}, headers=admin)
    assert created.status_code == 201, created.text
    wid = created.json()["webhook"]["id"]
    assert (await client.delete(f"{HOOKS}/{wid}", headers=admin)).status_code == 204
    assert await _count(app, Webhook) == 0
    assert all(w["id"] != wid for w in (await client.get(HOOKS, headers=admin)).json())
    assert (await client.delete(f"{HOOKS}/{wid}", headers=admin)).status_code == 404
