"""Panel redirects served by botsieve: configured exits, the panel's parameters, auto by verdict."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from tests.integrations.conftest import BASE, SURVEY, create_integration, human_session

PANEL = {
    "complete": "https://panel.example.net/end?status=complete&rid={rid}",
    "screenout": "https://panel.example.net/end?status=screenout&rid={rid}",
    "quality": "https://panel.example.net/q/{rid}/term",
}


async def _redirect(client, created, outcome, query=""):
    path = created["integration"]["redirect_path"]
    return await client.get(f"{path}/{outcome}?{query}", follow_redirects=False)


def _query(location):
    return dict(parse_qsl(urlsplit(location).query))


async def test_each_exit_goes_to_the_panel_with_its_parameters(client, admin):
    created = await create_integration(client, admin, config={"redirects": PANEL})
    reply = await _redirect(client, created, "complete", "rid=abc%20123&psid=7&response_id=R_1")
    assert reply.status_code == 302
    location = reply.headers["location"]
    assert location.startswith("https://panel.example.net/end?")
    # The placeholder is filled (encoded), the panel's other parameter passes through, ours not.
    assert _query(location) == {"status": "complete", "rid": "abc 123", "psid": "7"}
    assert reply.headers["cache-control"] == "no-store"
    quality = await _redirect(client, created, "quality", "rid=a/b?c")
    assert quality.headers["location"] == "https://panel.example.net/q/a%2Fb%3Fc/term"


async def test_auto_chooses_from_the_decision_not_the_label(client, admin):
    created = await create_integration(client, admin, config={"redirects": PANEL})
    sid = await human_session(client, admin, "R_r1")
    score = {"survey_id": SURVEY, "response_id": "R_r1", "session_id": sid}
    bearer = {"Authorization": f"Bearer {created['token']}"}
    verdict = (await client.post(f"{BASE}/qualtrics/score", json=score, headers=bearer)).json()
    assert verdict["status"] == "ok"
    auto = await _redirect(client, created, "auto", "rid=p1&response_id=R_r1")
    if verdict["verdict"] == "bot":
        assert auto.headers["location"] == "https://panel.example.net/q/p1/term"
    else:
        assert _query(auto.headers["location"]) == {"status": "complete", "rid": "p1"}
    # A label is training data and leaves the exit alone; a review confirming a bot moves it.
    label = await client.put(
        f"/api/v1/dashboard/sessions/{sid}/label", json={"label": "bot"}, headers=admin
    )
    assert label.status_code == 200
    labelled = await _redirect(client, created, "auto", "rid=p1&response_id=R_r1")
    assert labelled.headers["location"] == auto.headers["location"]
    body = {"session_ids": [sid], "state": "confirmed_bot"}
    reviewed = await client.post("/api/v1/dashboard/review/decisions", json=body, headers=admin)
    assert reviewed.status_code == 200, reviewed.text
    confirmed = await _redirect(client, created, "auto", "rid=p1&response_id=R_r1")
    assert confirmed.headers["location"] == "https://panel.example.net/q/p1/term"
    # The same session presented by another response: a borrowed session, quality exit.
    score["response_id"] = "R_r2"
    reused = (await client.post(f"{BASE}/qualtrics/score", json=score, headers=bearer)).json()
    assert reused["status"] == "session_reused"
    borrowed = await _redirect(client, created, "auto", "rid=p2&response_id=R_r2")
    assert borrowed.headers["location"] == "https://panel.example.net/q/p2/term"


async def test_without_a_verdict_auto_follows_the_fail_mode(client, admin):
    open_ = await create_integration(client, admin, config={"redirects": PANEL})
    closed = await create_integration(
        client, admin, config={"redirects": PANEL, "fail_mode": "closed"}
    )
    reply = await _redirect(client, open_, "auto", "rid=x&response_id=R_unknown")
    assert _query(reply.headers["location"])["status"] == "complete"
    reply = await _redirect(client, closed, "auto", "rid=x&response_id=R_unknown")
    assert _query(reply.headers["location"])["status"] == "screenout"


async def test_a_wrong_token_an_unknown_outcome_or_a_missing_exit_is_a_404(client, admin):
    created = await create_integration(
        client, admin, config={"redirects": {"complete": PANEL["complete"]}}
    )
    path = created["integration"]["redirect_path"]
    assert (await client.get(path[:-4] + "0000/complete")).status_code == 404
    assert (await client.get(path[:-4] + "\u00e9\u00e9\u00e9\u00e9/complete")).status_code == 404
    assert (await _redirect(client, created, "elsewhere")).status_code == 404
    missing = await _redirect(client, created, "quality")
    assert missing.status_code == 404 and "quality" in missing.json()["error"]["message"]
    integration = created["integration"]["id"]
    await client.patch(f"{BASE}/{integration}", json={"active": False}, headers=admin)
    assert (await _redirect(client, created, "complete")).status_code == 404


async def test_redirect_settings_that_could_send_respondents_anywhere_are_refused(client, admin):
    bad = [
        {"complete": "javascript:alert(1)"},
        {"complete": "https://{host}/end"},
        {"complete": "/relative"},
        {"finish": "https://panel.example.net/"},
        {"complete": 42},
        "https://panel.example.net/",
    ]
    for redirects in bad:
        body = {"platform": "qualtrics", "name": "x", "survey_id": SURVEY}
        body["config"] = {"redirects": redirects}
        reply = await client.post(BASE, json=body, headers=admin)
        assert reply.status_code == 400, redirects
    created = await create_integration(client, admin)
    integration = created["integration"]["id"]
    patch = {"config": {"redirects": {"complete": "https://{h}.example/"}}}
    reply = await client.patch(f"{BASE}/{integration}", json=patch, headers=admin)
    assert reply.status_code == 400 and "placeholders" in reply.json()["error"]["message"]
