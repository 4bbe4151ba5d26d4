"""Analysis through the API: stored, returned, repeatable, and kept as a history."""

from __future__ import annotations

import math
import random
import uuid

from tests.factories import mouse_path, new_session, send_events

BASE = "/api/v1/detection/sessions"


async def _fed_session(client, admin, **overrides):
    session = await new_session(client, admin, **overrides)
    assert (await send_events(client, admin, session, mouse_path(120))).status_code == 202
    return session


async def test_analyze_returns_and_stores_a_result(client, admin):
    session = await _fed_session(client, admin)
    sid = session["session_id"]
    response = await client.post(f"{BASE}/{sid}/analyze", headers=admin)
    assert response.status_code == 200
    result = response.json()
    assert 0.0 <= result["bot_probability"] <= 1.0
    assert result["risk_level"] in ("low", "medium", "high", "critical")
    assert result["event_count"] == 120
    assert result["model_version"]
    assert isinstance(result["method_scores"], dict) and result["method_scores"]
    stored = await client.get(f"{BASE}/{sid}/result", headers=admin)
    assert stored.json()["bot_probability"] == result["bot_probability"]
    status = (await client.get(f"{BASE}/{sid}/status", headers=admin)).json()
    assert status["verdict"]["risk_level"] == result["risk_level"]


async def test_reanalysis_of_unchanged_data_gives_the_same_answer(client, admin):
    session = await _fed_session(client, admin)
    sid = session["session_id"]
    first = (await client.post(f"{BASE}/{sid}/analyze", headers=admin)).json()
    second = (await client.post(f"{BASE}/{sid}/analyze", headers=admin)).json()
    for field in ("is_bot", "bot_probability", "risk_level", "method_scores", "event_count"):
        assert first[field] == second[field], field
    details = await client.get(f"/api/v1/dashboard/sessions/{sid}/details", headers=admin)
    assert len(details.json()["results"]) == 2


async def test_webdriver_environment_is_flagged_with_its_reason(client, admin):
    session = await _fed_session(client, admin, environment={"webdriver": True})
    result = (await client.post(f"{BASE}/{session['session_id']}/analyze", headers=admin)).json()
    assert result["is_bot"] is True
    reasons = [r["code"] for m in result["method_scores"].values() for r in m["reasons"]]
    assert any("webdriver" in code for code in reasons)


async def test_complete_marks_done_and_analyses(client, admin):
    session = await _fed_session(client, admin)
    sid = session["session_id"]
    response = await client.post(f"{BASE}/{sid}/complete", headers=admin)
    assert response.status_code == 200
    assert "bot_probability" in response.json()
    status = (await client.get(f"{BASE}/{sid}/status", headers=admin)).json()
    assert status["is_completed"] is True
    assert status["status"] == "completed"


async def test_result_before_analysis_is_404(client, admin):
    session = await new_session(client, admin)
    response = await client.get(f"{BASE}/{session['session_id']}/result", headers=admin)
    assert response.status_code == 404


async def test_analyze_unknown_session_is_404(client, admin):
    assert (await client.post(f"{BASE}/{uuid.uuid4()}/analyze", headers=admin)).status_code == 404


async def test_publishable_key_cannot_analyse_or_read_results(client, browser):
    session = await new_session(client, browser)
    sid = session["session_id"]
    for method, path in (
        ("POST", "analyze"),
        ("POST", "complete"),
        ("GET", "result"),
        ("GET", "ready-for-analysis"),
    ):
        response = await client.request(method, f"{BASE}/{sid}/{path}", headers=browser)
        assert response.status_code == 403, path


async def test_empty_session_can_still_be_analysed(client, admin):
    session = await new_session(client, admin, environment={})
    response = await client.post(f"{BASE}/{session['session_id']}/analyze", headers=admin)
    assert response.status_code == 200
    assert response.json()["event_count"] == 0


async def test_a_replayed_path_is_found_across_sessions_of_a_survey(client, admin):
    """A farm replays one recorded path in a second session: the second analysis says so."""
    path = mouse_path(400)
    first = await new_session(client, admin, survey_id="SV_farm")
    await send_events(client, admin, first, path)
    await client.post(f"{BASE}/{first['session_id']}/analyze", headers=admin)
    shifted = [{**e, "t": e["t"] + 5000, "x": e["x"] + 40, "y": e["y"] - 25} for e in path]
    second = await new_session(client, admin, survey_id="SV_farm")
    await send_events(client, admin, second, shifted)
    result = (await client.post(f"{BASE}/{second['session_id']}/analyze", headers=admin)).json()
    codes = [r["code"] for r in result["method_scores"]["cross_session"]["reasons"]]
    assert "replayed_path" in codes, result["method_scores"]["cross_session"]
    # The same path in another survey is not compared.
    elsewhere = await new_session(client, admin, survey_id="SV_other")
    await send_events(client, admin, elsewhere, shifted)
    other = (await client.post(f"{BASE}/{elsewhere['session_id']}/analyze", headers=admin)).json()
    other_codes = [r["code"] for r in other["method_scores"]["cross_session"]["reasons"]]
    assert "replayed_path" not in other_codes


def _recorded_strokes(seed: int) -> list[list[tuple[float, float, float]]]:
    """Eight bent, hand-timed strokes (t ms from the stroke's start, x, y), each aimed
    somewhere else."""
    rng = random.Random(seed)
    strokes = []
    for _ in range(8):
        n, length = rng.randint(30, 45), rng.uniform(250, 500)
        angle, bow, wiggle = rng.uniform(0, 6.28), rng.uniform(0.1, 0.25), rng.uniform(-0.06, 0.06)
        pace = rng.uniform(0.7, 1.4)
        points = []
        for i in range(n):
            s = i / (n - 1)
            along, across = (
                length * s,
                length * (bow * math.sin(math.pi * s) + wiggle * math.sin(3 * math.pi * s)),
            )
            x = 500 + along * math.cos(angle) - across * math.sin(angle)
            y = 400 + along * math.sin(angle) + across * math.cos(angle)
            points.append((900 * s**pace, x, y))
        strokes.append(points)
    return strokes


def _replayed_at_os_level(strokes, seed: int) -> list[dict]:
    """Each recorded stroke moved to where the pointer is and morphed onto a new target (the
    error spread along its path), its own timing kept: what an OS-level replay tool sends."""
    rng = random.Random(seed)
    events, t0 = [], 0.0
    for points in strokes:
        (_, x0, y0), (_, x1, y1) = points[0], points[-1]
        start = (rng.uniform(100, 900), rng.uniform(100, 600))
        # The new target has nothing to do with where the recording went.
        reach, heading = rng.uniform(200, 600), rng.uniform(0, 2 * math.pi)
        end = (start[0] + reach * math.cos(heading), start[1] + reach * math.sin(heading))
        steps = [math.dist(points[i][1:], points[i + 1][1:]) for i in range(len(points) - 1)]
        total, walked = sum(steps), [0.0]
        for step in steps:
            walked.append(walked[-1] + step)
        err = (end[0] - start[0] - (x1 - x0), end[1] - start[1] - (y1 - y0))
        for (t, x, y), w in zip(points, walked, strict=True):
            f = w / total
            events.append(
                {
                    "type": "mousemove",
                    "t": round(t0 + t, 1),
                    "trusted": True,
                    "x": round(start[0] + x - x0 + f * err[0]),
                    "y": round(start[1] + y - y0 + f * err[1]),
                }
            )
        t0 += points[-1][0] + 600  # a pause between strokes ends each one
    return events


async def test_an_os_level_replay_of_recorded_strokes_is_found_across_sessions(client, admin):
    """A farm replays one library of recorded strokes into sessions of one survey, each
    stroke morphed onto that session's targets: the third analysis finds the strokes reused,
    although no two sessions' strokes have the same shape."""
    library = _recorded_strokes(3)
    for seed in range(3):
        session = await new_session(client, admin, survey_id="SV_os_farm")
        await send_events(client, admin, session, _replayed_at_os_level(library, seed))
        result = (
            await client.post(f"{BASE}/{session['session_id']}/analyze", headers=admin)
        ).json()
    codes = [r["code"] for r in result["method_scores"]["cross_session"]["reasons"]]
    assert "reused_strokes" in codes, result["method_scores"]["cross_session"]
    # Another person's strokes in the same survey are not found reused.
    other = await new_session(client, admin, survey_id="SV_os_farm")
    await send_events(client, admin, other, _replayed_at_os_level(_recorded_strokes(4), 9))
    again = (await client.post(f"{BASE}/{other['session_id']}/analyze", headers=admin)).json()
    assert "reused_strokes" not in [
        r["code"] for r in again["method_scores"]["cross_session"]["reasons"]
    ]
