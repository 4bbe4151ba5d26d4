"""A retrained model ships a new calibrated threshold: at start-up the sessions that follow the
model's threshold (no survey rule, no install rule) are relabelled, as saving a rule would."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from botsieve.analysis import model_store
from botsieve.app import create_app
from botsieve.decisions.service import follow_model
from botsieve.kit.db import transaction
from tests.factories import mouse_path, new_session, send_events

RULES = "/api/v1/decision-rules"
DASH = "/api/v1/dashboard"


async def _analysed(client, admin, survey_id: str, webdriver: bool) -> dict:
    session = await new_session(
        client, admin, survey_id=survey_id, environment={"webdriver": webdriver, "languages": []}
    )
    await send_events(client, admin, session, mouse_path(60))
    result = await client.post(
        f"/api/v1/detection/sessions/{session['session_id']}/analyze", headers=admin
    )
    assert result.status_code == 200, result.text
    return result.json()


def _retrained(tmp_path: Path, threshold: float, name: str) -> Path:
    """The shipped model.json as ``botsieve train`` would write it with a new threshold."""
    spec = json.loads(model_store.ARTIFACT.read_text())
    spec["threshold"], spec["version"] = threshold, f"{spec.get('version', 'm')}-{name}"
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(spec))
    return path


async def _decisions_after_restart(settings, admin) -> tuple[dict[str, str], int]:
    """Start the service again (with whatever model model_store loads): every session's
    decision, and the overview's excluded count."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            rows = (await c.get(f"{DASH}/sessions", headers=admin)).json()["items"]
            overview = (await c.get(f"{DASH}/overview", headers=admin)).json()
    return {r["session_id"]: r["decision"] for r in rows}, overview["totals"]["bots"]


async def test_a_retrained_threshold_relabels_what_follows_the_model(
    app, client, admin, settings, tmp_path, monkeypatch
):
    # "person" is a smooth synthetic path: whatever the shipped model makes of it, a model
    # retrained to a threshold above its probability keeps it.
    person = await _analysed(client, admin, "SV_model", webdriver=False)
    bot = await _analysed(client, admin, "SV_model", webdriver=True)
    governed = await _analysed(client, admin, "SV_own", webdriver=False)
    assert person["bot_probability"] < 0.9999
    # SV_own has its own rule, which keeps what the retrained model would exclude.
    saved = await client.put(f"{RULES}/surveys/SV_own", json={"threshold": 0.9999}, headers=admin)
    assert saved.status_code == 200, saved.text
    await app.state.botsieve.counters.flush(app.state.botsieve.sessionmaker)
    monkeypatch.setattr(model_store, "ARTIFACT", _retrained(tmp_path, 0.9999, "higher"))
    decisions, _ = await _decisions_after_restart(settings, admin)
    assert decisions[person["session_id"]] == "keep"

    # Retrained: the new threshold sits just below the person's probability.
    lower = person["bot_probability"] * 0.99
    monkeypatch.setattr(model_store, "ARTIFACT", _retrained(tmp_path, lower, "lower"))
    decisions, excluded = await _decisions_after_restart(settings, admin)
    assert decisions[person["session_id"]] == "exclude"
    assert decisions[bot["session_id"]] == (
        "exclude" if bot["bot_probability"] >= lower else "keep"
    )
    assert decisions[governed["session_id"]] == "keep"  # its own rule, untouched
    assert excluded == list(decisions.values()).count("exclude")  # the overview follows
    async with transaction(app.state.botsieve.sessionmaker) as db:  # recorded: no second pass
        assert await follow_model(db, app.state.botsieve.counters, lower, "m") == 0

    # With an install rule nothing follows the model: a retrained threshold changes nothing.
    saved = await client.put(f"{RULES}/install", json={"threshold": 0.9999}, headers=admin)
    assert saved.status_code == 200, saved.text
    before = {
        r["session_id"]: r["decision"]
        for r in (await client.get(f"{DASH}/sessions", headers=admin)).json()["items"]
    }
    await app.state.botsieve.counters.flush(app.state.botsieve.sessionmaker)
    monkeypatch.setattr(model_store, "ARTIFACT", _retrained(tmp_path, lower / 2, "lowest"))
    decisions, _ = await _decisions_after_restart(settings, admin)
    assert decisions == before
    assert decisions[person["session_id"]] == "keep"
