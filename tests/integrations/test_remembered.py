"""Tokens and decision rules remembered by the process: a change made here applies at once.

The calls of the survey platforms take the integration and the survey's rule from memory
(``key_cache_seconds``); a minute here, so that only forgetting on change can pass these.
"""

from __future__ import annotations

from typing import Any

import pytest

from botsieve.kit.settings import Settings
from tests.integrations.conftest import BASE, SURVEY, create_integration, human_session

SCORE = f"{BASE}/qualtrics/score"
ENTRY = f"{BASE}/qualtrics/entry"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"key_cache_seconds": 60.0})


pytestmark = pytest.mark.usefixtures("nothing_remembered")


async def post(client, path: str, token: str, response_id: str, sid: str = "") -> Any:
    body = {"survey_id": SURVEY, "response_id": response_id, "session_id": sid}
    return await client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})


async def test_a_deactivated_or_deleted_integration_stops_its_remembered_token_at_once(
    client, admin
):
    created = await create_integration(client, admin)
    token, path = created["token"], f"{BASE}/{created['integration']['id']}"
    assert (await post(client, SCORE, token, "R_1")).status_code == 200  # now remembered
    off = await client.patch(path, json={"active": False}, headers=admin)
    assert off.status_code == 200, off.text
    refused = await post(client, SCORE, token, "R_1")
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]
    assert (await client.patch(path, json={"active": True}, headers=admin)).status_code == 200
    assert (await post(client, ENTRY, token, "R_1")).status_code == 200
    assert (await client.delete(path, headers=admin)).status_code == 204
    assert (await post(client, ENTRY, token, "R_1")).status_code == 401


async def test_after_a_rotation_both_tokens_work_and_then_only_the_integrations(client, admin):
    created = await create_integration(client, admin)
    old = created["token"]
    assert (await post(client, SCORE, old, "R_2")).status_code == 200
    rotated = await client.post(f"{BASE}/{created['integration']['id']}/rotate", headers=admin)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["token"]
    assert (await post(client, SCORE, new, "R_2")).status_code == 200
    assert (await post(client, SCORE, old, "R_2")).status_code == 200  # its grace
    assert (
        await client.delete(f"{BASE}/{created['integration']['id']}", headers=admin)
    ).status_code == 204
    for token in (old, new):
        assert (await post(client, SCORE, token, "R_2")).status_code == 401


async def test_a_saved_rule_changes_the_entry_check_at_once(client, admin):
    created = await create_integration(client, admin)
    sid = await human_session(client, admin, "R_3")
    rule = f"/api/v1/decision-rules/surveys/{SURVEY}"
    token = created["token"]

    async def entry() -> dict[str, Any]:
        reply = await post(client, ENTRY, token, "R_3", sid)
        assert reply.status_code == 200, reply.text
        result: dict[str, Any] = reply.json()
        return result

    assert (await client.put(rule, json={"threshold": 1.0}, headers=admin)).status_code == 200
    assert (await entry())["decision"] == "pass"  # the rule in force is now remembered
    assert (await client.put(rule, json={"threshold": 0.0}, headers=admin)).status_code == 200
    assert (await entry())["decision"] == "block"
    assert (await client.delete(rule, headers=admin)).status_code == 200
