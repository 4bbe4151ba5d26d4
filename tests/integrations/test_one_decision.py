"""One decision everywhere: the sessions API, the dashboard, the platform's reply and
write-back, the webhook payload and the reconciliation export say the same exclude / review /
keep for a session under the survey's rule, and all follow a changed rule without re-analysis."""

from __future__ import annotations

from sqlalchemy import select

from botsieve.integrations import scoring
from botsieve.kit.db import transaction
from botsieve.models import Integration, ScoredResponse
from tests.integrations.conftest import BASE, SURVEY, human_session
from tests.integrations.test_export import _pages

RULES = f"/api/v1/decision-rules/surveys/{SURVEY}"
VERDICT = {"exclude": "bot", "review": "human", "keep": "human"}


def _rules_around(p: float) -> dict[str, dict[str, float]]:
    """Three rules that put probability ``p`` below, inside and above the review band."""
    return {
        "keep": {"threshold": min(1.0, p + 0.02), "review_from": min(1.0, p + 0.01)},
        "review": {"threshold": min(1.0, p + 0.01), "review_from": max(0.0, p - 0.01)},
        "exclude": {"threshold": max(0.0, p - 0.01), "review_from": max(0.0, p - 0.02)},
    }


async def _webhook_payload(app, response_id: str) -> dict:
    """The ``result.ready`` data as ``deliveries.emit_result`` builds it now."""
    async with transaction(app.state.botsieve.sessionmaker) as db:
        row = await db.scalar(
            select(ScoredResponse).where(ScoredResponse.response_id == response_id)
        )
        integration = await db.get(Integration, row.integration_id)
        return scoring.result_event(integration, row, None, await scoring.decision_for(db, row))


async def _write_back(app, response_id: str) -> dict[str, str]:
    """The Embedded Data a Qualtrics write-back would carry now."""
    async with transaction(app.state.botsieve.sessionmaker) as db:
        row = await db.scalar(
            select(ScoredResponse).where(ScoredResponse.response_id == response_id)
        )
        return scoring.embedded_data(row, None, await scoring.decision_for(db, row))


async def _everywhere(app, client, admin, qualtrics, sid: str) -> dict[str, tuple]:
    bearer = {"Authorization": f"Bearer {qualtrics['token']}"}
    body = {"survey_id": SURVEY, "response_id": "R_one", "session_id": sid}
    api = (await client.get(f"/api/v1/detection/sessions/{sid}/result", headers=admin)).json()
    details = await client.get(f"/api/v1/dashboard/sessions/{sid}/details", headers=admin)
    listed = await client.get("/api/v1/dashboard/sessions", headers=admin)
    [row] = [s for s in listed.json()["items"] if s["session_id"] == sid]
    reply = (await client.post(f"{BASE}/qualtrics/score", json=body, headers=bearer)).json()
    entry = (await client.post(f"{BASE}/qualtrics/entry", json=body, headers=bearer)).json()
    hook = await _webhook_payload(app, "R_one")
    written = await _write_back(app, "R_one")
    [jsonl] = (await _pages(client, admin, "jsonl", limit=10))[0]
    [csv_row] = (await _pages(client, admin, "csv", limit=10))[0]
    return {
        "api": (api["decision"], api["is_bot"]),
        "dashboard details": (details.json()["decision"], details.json()["results"][0]["decision"]),
        "dashboard list": (row["decision"],),
        "live reply": (reply["decision"], reply["verdict"]),
        "entry check": (entry["decision"],),
        "write-back": (written["botsieve_decision"], written["botsieve_verdict"]),
        "webhook": (hook["decision"], hook["verdict"]),
        "export jsonl": (jsonl["decision"], jsonl["verdict"], jsonl["exclude"]),
        "export csv": (csv_row["decision"], csv_row["verdict"], csv_row["exclude"]),
    }


def _expected(decision: str) -> dict[str, tuple]:
    excluded = decision == "exclude"
    entry = {"exclude": "block", "review": "review", "keep": "pass"}[decision]
    return {
        "api": (decision, excluded),
        "dashboard details": (decision, decision),
        "dashboard list": (decision,),
        "live reply": (decision, VERDICT[decision]),
        "entry check": (entry,),
        "write-back": (decision, VERDICT[decision]),
        "webhook": (decision, VERDICT[decision]),
        "export jsonl": (decision, VERDICT[decision], excluded),
        "export csv": (decision, VERDICT[decision], "true" if excluded else "false"),
    }


async def test_every_surface_tells_the_rule_s_decision_and_follows_a_changed_rule(
    app, client, admin, qualtrics
):
    sid = await human_session(client, admin, "R_one")
    analysed = await client.post(f"/api/v1/detection/sessions/{sid}/analyze", headers=admin)
    assert analysed.status_code == 200, analysed.text
    p, analysed_at = analysed.json()["bot_probability"], analysed.json()["created_at"]
    for decision, rule in _rules_around(p).items():
        saved = await client.put(RULES, json=rule, headers=admin)
        assert saved.status_code == 200, saved.text
        assert await _everywhere(app, client, admin, qualtrics, sid) == _expected(decision)
    # Relabelled, not re-analysed: the one analysis is still the session's.
    api = (await client.get(f"/api/v1/detection/sessions/{sid}/result", headers=admin)).json()
    assert api["created_at"] == analysed_at
