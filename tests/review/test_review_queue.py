"""The review queue: flagged sessions by state, bulk decisions that override the rule and are
kept with who and when, and the history as CSV."""

from __future__ import annotations

import csv
import io
import uuid

from tests.factories import mouse_path, new_session, send_events
from tests.users.conftest import https_client, login, make_user

REVIEW = "/api/v1/dashboard/review"


async def _analysed(client, admin, survey_id="SV_q") -> str:
    session = await new_session(client, admin, survey_id=survey_id)
    await send_events(client, admin, session, mouse_path(60))
    sid = session["session_id"]
    response = await client.post(f"/api/v1/detection/sessions/{sid}/analyze", headers=admin)
    assert response.status_code == 200
    return sid


async def _decision(client, admin, sid):
    body = (await client.get(f"/api/v1/detection/sessions/{sid}/result", headers=admin)).json()
    return body["decision"], body["is_bot"]


async def _flag_all(client, admin):
    saved = await client.put(
        "/api/v1/decision-rules/surveys/SV_q", json={"threshold": 0.0}, headers=admin
    )
    assert saved.status_code == 200


async def test_reviews_override_the_rule_and_are_kept_with_who_and_when(client, admin):
    first, second = await _analysed(client, admin), await _analysed(client, admin)
    await _flag_all(client, admin)
    queue = (await client.get(REVIEW, headers=admin)).json()
    assert {i["session_id"] for i in queue["items"]} == {first, second}
    assert queue["counts"] == {"pending": 2, "confirmed_bot": 0, "dismissed": 0}
    bots_before = (await client.get("/api/v1/dashboard/overview", headers=admin)).json()

    done = await client.post(
        f"{REVIEW}/decisions",
        json={"session_ids": [first], "state": "dismissed", "note": "known panel member"},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    assert done.json()["updated"] == 1
    assert await _decision(client, admin, first) == ("keep", False)
    after = (await client.get("/api/v1/dashboard/overview", headers=admin)).json()
    assert after["totals"]["bots"] == bots_before["totals"]["bots"] - 1
    dismissed = (await client.get(f"{REVIEW}?state=dismissed", headers=admin)).json()
    [item] = dismissed["items"]
    assert item["session_id"] == first
    assert item["reviewed_by"] and item["reviewed_at"]
    assert dismissed["counts"] == {"pending": 1, "confirmed_bot": 0, "dismissed": 1}

    # A new rule relabels the rest, never what a person decided.
    await _flag_all(client, admin)
    assert await _decision(client, admin, first) == ("keep", False)

    await client.post(
        f"{REVIEW}/decisions", json={"session_ids": [first], "state": "pending"}, headers=admin
    )
    assert await _decision(client, admin, first) == ("exclude", True)

    history = (await client.get(f"{REVIEW}/history.csv?survey_id=SV_q", headers=admin)).text
    rows = list(csv.DictReader(io.StringIO(history)))
    assert [(r["session_id"], r["state"]) for r in rows] == [
        (first, "dismissed"),
        (first, "pending"),
    ]
    assert rows[0]["note"] == "known panel member"
    assert rows[0]["decided_by"] == item["reviewed_by"]


async def test_bulk_confirmation_applies_to_all_or_none(client, admin):
    first, second = await _analysed(client, admin), await _analysed(client, admin)
    waiting = (await new_session(client, admin, survey_id="SV_q"))["session_id"]
    unknown = str(uuid.uuid4())
    refused = await client.post(
        f"{REVIEW}/decisions",
        json={"session_ids": [first, unknown], "state": "confirmed_bot"},
        headers=admin,
    )
    assert refused.status_code == 404
    assert unknown in refused.json()["error"]["message"]
    not_yet = await client.post(
        f"{REVIEW}/decisions",
        json={"session_ids": [first, waiting], "state": "confirmed_bot"},
        headers=admin,
    )
    assert not_yet.status_code == 400
    ok = await client.post(
        f"{REVIEW}/decisions",
        json={"session_ids": [first, second], "state": "confirmed_bot"},
        headers=admin,
    )
    assert ok.json()["updated"] == 2
    for sid in (first, second):
        assert await _decision(client, admin, sid) == ("exclude", True)
    confirmed = (await client.get(f"{REVIEW}?state=confirmed_bot", headers=admin)).json()
    assert {i["session_id"] for i in confirmed["items"]} == {first, second}


async def test_viewers_read_the_queue_but_cannot_decide(app):
    await make_user(app, "viewer")
    async with https_client(app) as web:
        csrf = await login(web, "viewer@example.org")
        assert (await web.get(REVIEW)).status_code == 200
        refused = await web.post(
            f"{REVIEW}/decisions",
            json={"session_ids": [str(uuid.uuid4())], "state": "dismissed"},
            headers=csrf,
        )
    assert refused.status_code == 403
