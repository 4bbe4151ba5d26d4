"""Decision rules: the model's threshold by default, saved per survey or for the install, and
the same decision everywhere (analysis API, session status, dashboard list, overview) at once,
without re-analysis."""

from __future__ import annotations

from sqlalchemy import update

from botsieve.kit.db import transaction
from botsieve.models import DetectionResult, Session
from tests.factories import mouse_path, new_session, send_events
from tests.users.conftest import https_client, login, make_user

RULES = "/api/v1/decision-rules"
DASH = "/api/v1/dashboard"


async def _analysed(client, admin, survey_id: str) -> dict:
    session = await new_session(client, admin, survey_id=survey_id)
    await send_events(client, admin, session, mouse_path(60))
    result = await client.post(
        f"/api/v1/detection/sessions/{session['session_id']}/analyze", headers=admin
    )
    assert result.status_code == 200, result.text
    return result.json()


async def _everywhere(client, admin, result: dict) -> dict:
    """What each part of the product says about the session now."""
    sid = result["session_id"]
    api = (await client.get(f"/api/v1/detection/sessions/{sid}/result", headers=admin)).json()
    status = (await client.get(f"/api/v1/detection/sessions/{sid}/status", headers=admin)).json()
    details = (await client.get(f"{DASH}/sessions/{sid}/details", headers=admin)).json()
    rows = (await client.get(f"{DASH}/sessions", headers=admin)).json()["items"]
    row = next(r for r in rows if r["session_id"] == sid)
    return {
        "api": (api["decision"], api["is_bot"]),
        "status": status["verdict"]["is_bot"],
        "details": (details["decision"], details["results"][0]["decision"]),
        "row": (row["decision"], row["is_bot"]),
    }


async def test_the_default_is_the_models_calibrated_threshold(client, admin, app):
    body = (await client.get(RULES, headers=admin)).json()
    threshold = app.state.botsieve.model.threshold
    assert body["install"] == {
        **body["install"],
        "source": "model",
        "threshold": threshold,
        "review_from": None,
        "model_threshold": threshold,
    }
    assert body["surveys"] == []
    result = await _analysed(client, admin, "SV_a")
    expected = "exclude" if result["bot_probability"] >= threshold else "keep"
    assert result["decision"] == expected
    assert result["is_bot"] == (expected == "exclude")


async def test_a_survey_rule_relabels_every_reader_without_reanalysis(client, admin):
    result = await _analysed(client, admin, "SV_a")
    other = await _analysed(client, admin, "SV_b")
    p = result["bot_probability"]
    before = (await client.get(f"{DASH}/overview", headers=admin)).json()["totals"]

    saved = await client.put(
        f"{RULES}/surveys/SV_a", json={"threshold": max(0.0, p - 1e-6)}, headers=admin
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["rule"]["source"] == "survey"
    seen = await _everywhere(client, admin, result)
    assert seen == {
        "api": ("exclude", True),
        "status": True,
        "details": ("exclude", "exclude"),
        "row": ("exclude", True),
    }
    after = (await client.get(f"{DASH}/overview", headers=admin)).json()["totals"]
    assert after["bots"] == before["bots"] + int(not result["is_bot"])
    excluded = (await client.get(f"{DASH}/sessions?verdict=bot", headers=admin)).json()["items"]
    assert result["session_id"] in [r["session_id"] for r in excluded]
    # The other survey still follows the install's rule.
    assert (await _everywhere(client, admin, other))["api"][0] == other["decision"]

    band = {"threshold": min(1.0, p + 0.01), "review_from": max(0.0, p - 0.01)}
    assert (await client.put(f"{RULES}/surveys/SV_a", json=band, headers=admin)).status_code == 200
    seen = await _everywhere(client, admin, result)
    assert seen["api"] == ("review", False) and seen["row"] == ("review", False)
    in_review = (await client.get(f"{DASH}/sessions?verdict=review", headers=admin)).json()
    assert [r["session_id"] for r in in_review["items"]] == [result["session_id"]]
    overview = (await client.get(f"{DASH}/overview", headers=admin)).json()["totals"]
    assert overview["in_review"] == 1
    assert overview["bots"] == before["bots"] - int(result["is_bot"])

    removed = await client.delete(f"{RULES}/surveys/SV_a", headers=admin)
    assert removed.json()["rule"]["source"] == "model"
    assert (await _everywhere(client, admin, result))["api"] == (
        result["decision"],
        result["is_bot"],
    )
    final = (await client.get(f"{DASH}/overview", headers=admin)).json()["totals"]
    assert final["bots"] == before["bots"]


async def test_preview_says_what_would_change_and_saves_nothing(client, admin):
    first = await _analysed(client, admin, "SV_a")
    await _analysed(client, admin, "SV_a")
    preview = await client.post(
        f"{RULES}/preview", json={"survey_id": "SV_a", "threshold": 0.0}, headers=admin
    )
    body = preview.json()
    assert body["sessions"] == 2
    assert body["after"]["exclude"] == 2
    kept = body["before"]["keep"]
    assert sum(c["sessions"] for c in body["changes"]) == kept
    assert (await client.get(RULES, headers=admin)).json()["surveys"] == []
    again = await client.get(
        f"/api/v1/detection/sessions/{first['session_id']}/result", headers=admin
    )
    assert again.json()["decision"] == first["decision"]


async def test_an_abstaining_engine_is_its_own_state_under_any_rule(client, admin, app):
    result = await _analysed(client, admin, "SV_a")
    sid = result["session_id"]
    # What the engine will say when its evidence is too thin (the verdict field it reports).
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await db.execute(
            update(DetectionResult).values(
                verdict="insufficient_evidence", missing_evidence=["mouse: too few moves"]
            )
        )
        await db.execute(update(Session).values(verdict="insufficient_evidence"))
    await client.put(f"{RULES}/install", json={"threshold": 0.0}, headers=admin)
    api = (await client.get(f"/api/v1/detection/sessions/{sid}/result", headers=admin)).json()
    assert (api["decision"], api["is_bot"]) == ("insufficient_evidence", False)
    assert api["missing_evidence"] == ["mouse: too few moves"]
    for verdict in ("bot", "human"):
        listed = (await client.get(f"{DASH}/sessions?verdict={verdict}", headers=admin)).json()
        assert listed["items"] == [], verdict
    listed = await client.get(f"{DASH}/sessions?verdict=insufficient_evidence", headers=admin)
    assert [r["session_id"] for r in listed.json()["items"]] == [sid]
    totals = (await client.get(f"{DASH}/overview", headers=admin)).json()["totals"]
    assert totals["insufficient_evidence"] == 1


async def test_bad_rules_get_clear_errors(client, admin):
    bad_band = await client.put(
        f"{RULES}/install", json={"threshold": 0.5, "review_from": 0.6}, headers=admin
    )
    assert bad_band.status_code == 422
    out_of_range = await client.put(f"{RULES}/install", json={"threshold": 1.5}, headers=admin)
    assert out_of_range.status_code == 422
    reserved = await client.put(f"{RULES}/surveys/*", json={"threshold": 0.5}, headers=admin)
    assert reserved.status_code == 400
    missing = await client.delete(f"{RULES}/surveys/SV_none", headers=admin)
    assert missing.status_code == 404
    assert "SV_none" in missing.json()["error"]["message"]


async def test_viewers_read_rules_and_only_admins_change_them(app):
    await make_user(app, "viewer")
    async with https_client(app) as web:
        csrf = await login(web, "viewer@example.org")
        assert (await web.get(RULES)).status_code == 200
        refused = await web.put(f"{RULES}/install", json={"threshold": 0.5}, headers=csrf)
    assert refused.status_code == 403


async def test_a_decipher_survey_path_has_its_own_rule(client, admin):
    """Decipher names a survey by its path: the rule is saved, read and dropped under it."""
    survey = "selfserve/9d3/proj1234"
    result = await _analysed(client, admin, survey)
    cut = max(0.0, result["bot_probability"] - 0.01)
    saved = await client.put(f"{RULES}/surveys/{survey}", json={"threshold": cut}, headers=admin)
    assert saved.status_code == 200, saved.text
    effective = await client.get(f"{RULES}/effective", params={"survey_id": survey}, headers=admin)
    assert (effective.json()["source"], effective.json()["threshold"]) == ("survey", cut)
    api = f"/api/v1/detection/sessions/{result['session_id']}/result"
    assert (await client.get(api, headers=admin)).json()["decision"] == "exclude"
    dropped = await client.delete(f"{RULES}/surveys/{survey}", headers=admin)
    assert dropped.status_code == 200, dropped.text
    effective = await client.get(f"{RULES}/effective", params={"survey_id": survey}, headers=admin)
    assert effective.json()["source"] != "survey"
