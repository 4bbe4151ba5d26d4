"""The dashboard API: overview figures from the rollups, filtered cursor paging, details."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from tests.factories import mouse_path, new_session, send_events

DASH = "/api/v1/dashboard"


async def _analysed(client, admin, *, webdriver: bool, **overrides):
    session = await new_session(
        client, admin, environment={"webdriver": webdriver, "languages": ["en"]}, **overrides
    )
    await send_events(client, admin, session, mouse_path(60))
    result = await client.post(
        f"/api/v1/detection/sessions/{session['session_id']}/analyze", headers=admin
    )
    return session, result.json()


async def test_overview_counts_sessions_bots_and_risks(client, admin):
    _, bot = await _analysed(client, admin, webdriver=True, survey_id="SV_a")
    _, human = await _analysed(client, admin, webdriver=False, survey_id="SV_b")
    await new_session(client, admin, survey_id="SV_b", platform="decipher")
    body = (await client.get(f"{DASH}/overview", headers=admin)).json()
    totals = body["totals"]
    assert totals["sessions"] == 3
    assert totals["analyzed"] == 2
    assert totals["bots"] == int(bot["is_bot"]) + int(human["is_bot"])
    assert totals["events"] == 120
    assert sum(body["risk_distribution"].values()) == 2
    assert body["risk_distribution"][bot["risk_level"]] >= 1
    assert sum(p["sessions"] for p in body["time_series"]) == 3
    surveys = {g["key"]: g["sessions"] for g in body["by_survey"]}
    assert surveys == {"SV_a": 1, "SV_b": 2}
    platforms = {g["key"]: g["sessions"] for g in body["by_platform"]}
    assert platforms == {"qualtrics": 2, "decipher": 1}
    high = [r["session_id"] for r in body["latest_high_risk"]]
    assert (bot["session_id"] in high) == (bot["risk_level"] in ("high", "critical"))


async def test_reanalysis_does_not_double_count(client, admin):
    session, _ = await _analysed(client, admin, webdriver=True)
    await client.post(f"/api/v1/detection/sessions/{session['session_id']}/analyze", headers=admin)
    body = (await client.get(f"{DASH}/overview", headers=admin)).json()
    assert body["totals"]["analyzed"] == 1
    assert sum(body["risk_distribution"].values()) == 1


async def test_overview_filters_by_survey_and_rejects_inverted_range(client, admin):
    await _analysed(client, admin, webdriver=True, survey_id="SV_a")
    await _analysed(client, admin, webdriver=False, survey_id="SV_b")
    body = (await client.get(f"{DASH}/overview?survey_id=SV_a", headers=admin)).json()
    assert body["totals"]["sessions"] == 1
    now = dt.datetime.now(dt.UTC)
    response = await client.get(
        f"{DASH}/overview",
        params={"since": now.isoformat(), "until": (now - dt.timedelta(days=1)).isoformat()},
        headers=admin,
    )
    assert response.status_code == 400


async def test_rollup_rebuild_matches_live_counters(client, app, admin):
    from botsieve.dashboard.rollups import rebuild
    from botsieve.kit.db import transaction

    await _analysed(client, admin, webdriver=True, survey_id="SV_a")
    await _analysed(client, admin, webdriver=False, survey_id="SV_a")
    before = (await client.get(f"{DASH}/overview", headers=admin)).json()
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await rebuild(db)
    after = (await client.get(f"{DASH}/overview", headers=admin)).json()
    for field in ("sessions", "events", "analyzed", "bots"):
        assert after["totals"][field] == before["totals"][field], field
    assert before["totals"]["events"] > 0
    assert after["risk_distribution"] == before["risk_distribution"]


async def test_rollup_rebuild_recounts_lost_event_counters_from_the_batches(client, app, admin):
    from sqlalchemy import delete

    from botsieve.dashboard.rollups import rebuild
    from botsieve.kit.db import transaction
    from botsieve.models import HourlyRollup

    await _analysed(client, admin, webdriver=False, survey_id="SV_b")
    before = (await client.get(f"{DASH}/overview", headers=admin)).json()
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await db.execute(delete(HourlyRollup))  # as if the counters were lost in a crash
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await rebuild(db)
    after = (await client.get(f"{DASH}/overview", headers=admin)).json()
    assert after["totals"]["events"] == before["totals"]["events"] > 0


async def test_session_list_pages_with_a_cursor_newest_first(client, admin):
    created = [(await new_session(client, admin))["session_id"] for _ in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"{DASH}/sessions", params=params, headers=admin)).json()
        seen += [item["session_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(created))


async def test_session_list_filters(client, admin):
    bot, _ = await _analysed(client, admin, webdriver=True, survey_id="SV_f")
    await _analysed(client, admin, webdriver=False, survey_id="SV_f")
    await new_session(client, admin, survey_id="SV_f", platform="decipher", respondent_id="R_9")

    async def ids(**params):
        page = await client.get(f"{DASH}/sessions", params=params, headers=admin)
        assert page.status_code == 200, page.text
        return {item["session_id"] for item in page.json()["items"]}

    assert len(await ids(survey_id="SV_f")) == 3
    assert len(await ids(platform="decipher")) == 1
    assert len(await ids(verdict="unanalyzed")) == 1
    assert bot["session_id"] in await ids(verdict="bot")
    assert len(await ids(q="R_9")) == 1
    assert await ids(survey_id="SV_none") == set()
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert await ids(since=future) == set()


async def test_session_list_rejects_bad_filters_and_cursors(client, admin):
    for params in ({"verdict": "maybe"}, {"risk": "extreme"}, {"limit": 0}, {"cursor": "zzz"}):
        response = await client.get(f"{DASH}/sessions", params=params, headers=admin)
        assert response.status_code in (400, 422), params
        assert "error" in response.json()


async def test_details_show_events_and_history(client, admin):
    session, _ = await _analysed(client, admin, webdriver=False)
    response = await client.get(f"{DASH}/sessions/{session['session_id']}/details", headers=admin)
    body = response.json()
    assert body["session"]["event_count"] == 60
    assert body["events"]["by_type"] == {"mousemove": 60}
    assert body["events"]["duration_ms"] > 0
    assert len(body["results"]) == 1
    assert body["environment"]["languages"] == ["en"]


async def test_details_of_unknown_session_is_404(client, admin):
    response = await client.get(f"{DASH}/sessions/{uuid.uuid4()}/details", headers=admin)
    assert response.status_code == 404


async def test_dashboard_needs_a_secret_key(client, browser):
    for path in ("overview", "sessions"):
        assert (await client.get(f"{DASH}/{path}")).status_code == 401
        assert (await client.get(f"{DASH}/{path}", headers=browser)).status_code == 403


async def test_times_without_an_offset_are_taken_as_utc(client, admin):
    await new_session(client, admin)
    naive = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).replace(tzinfo=None).isoformat()
    response = await client.get(f"{DASH}/overview", params={"since": naive}, headers=admin)
    assert response.status_code == 200
    assert response.json()["totals"]["sessions"] == 1
    assert response.json()["since"].endswith("Z")


async def test_search_finds_id_prefixes_respondents_and_response_ids(client, app, admin):
    from botsieve.kit.db import transaction
    from botsieve.models import Integration, ScoredResponse
    from botsieve.models.base import utcnow

    target = await new_session(client, admin, survey_id="SV_s", respondent_id="R_find")
    other = await new_session(client, admin, survey_id="SV_s", respondent_id="R_other")
    sid = target["session_id"]

    async def found(q: str) -> list[str]:
        body = (await client.get(f"{DASH}/sessions", params={"q": q}, headers=admin)).json()
        return [r["session_id"] for r in body["items"]]

    # Time-ordered ids made a moment apart can share their first characters.
    assert sid in await found(sid[:8])
    assert other["session_id"] not in await found(sid[:8]) or sid[:8] == other["session_id"][:8]
    assert sid in await found(sid[:13])
    assert await found(sid) == [sid]
    assert await found(sid.upper()) == [sid]
    assert await found("R_find") == [sid]
    assert await found("ffffffff-dead") == []
    async with transaction(app.state.botsieve.sessionmaker) as db:
        integration_id = uuid.uuid4()
        db.add(
            Integration(
                id=integration_id,
                platform="qualtrics",
                name="search",
                survey_id="SV_s",
                token_hash="a" * 64,
                hook_hash="b" * 64,
            )
        )
        await db.flush()
        db.add(
            ScoredResponse(
                integration_id=integration_id,
                response_id="R_5xYzResponse",
                session_id=uuid.UUID(sid),
                status="scored",
                verdict="human",
                risk="low",
                flags=[],
                model_version="m",
                quality_flags=[],
                quality_features={},
                created_at=utcnow(),
            )
        )
    assert await found("R_5xYzResponse") == [sid]


async def test_the_list_exports_as_csv_with_its_filters(client, admin):
    import csv
    import io

    kept = await new_session(client, admin, survey_id="SV_x", respondent_id="=cmd()")
    await new_session(client, admin, survey_id="SV_y")
    response = await client.get(f"{DASH}/sessions/export.csv?survey_id=SV_x", headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["session_id"] for r in rows] == [kept["session_id"]]
    assert rows[0]["respondent_id"] == "'=cmd()"
    assert rows[0]["decision"] == ""
    assert set(rows[0]) >= {"verdict", "decision", "review_state", "label", "bot_probability"}


async def test_the_list_shows_and_filters_quality_flags_and_labels(client, admin):
    import csv
    import io

    pasted = await new_session(client, admin, survey_id="SV_q")
    await send_events(
        client,
        admin,
        pasted,
        [*mouse_path(40), {"type": "paste", "t": 900.0, "length": 12, "field": "q1"}],
    )
    await client.post(f"/api/v1/detection/sessions/{pasted['session_id']}/analyze", headers=admin)
    clean, _ = await _analysed(client, admin, webdriver=False, survey_id="SV_q")
    unanalysed = await new_session(client, admin, survey_id="SV_q")
    labelled = await client.put(
        f"{DASH}/sessions/{clean['session_id']}/label", json={"label": "human"}, headers=admin
    )
    assert labelled.status_code == 200, labelled.text

    async def rows(**params):
        page = await client.get(f"{DASH}/sessions", params=params, headers=admin)
        assert page.status_code == 200, page.text
        return {r["session_id"]: r for r in page.json()["items"]}

    every = await rows(survey_id="SV_q")
    assert "pasted_text" in every[pasted["session_id"]]["quality_flags"]
    assert every[clean["session_id"]]["quality_flags"] == []
    assert every[clean["session_id"]]["label"] == "human"
    assert every[unanalysed["session_id"]]["quality_flags"] == []
    assert set(await rows(survey_id="SV_q", flag="pasted_text")) == {pasted["session_id"]}
    assert set(await rows(survey_id="SV_q", flag="any")) == {pasted["session_id"]}
    # "none": analysed and clean; a session never analysed has no flags to be clean of.
    assert set(await rows(survey_id="SV_q", flag="none")) == {clean["session_id"]}
    assert await rows(survey_id="SV_q", flag="speeding") == {}
    assert set(await rows(survey_id="SV_q", label="human")) == {clean["session_id"]}
    assert await rows(survey_id="SV_q", label="bot") == {}
    assert set(await rows(survey_id="SV_q", label="unlabelled")) == {
        pasted["session_id"],
        unanalysed["session_id"],
    }
    export = await client.get(f"{DASH}/sessions/export.csv?flag=pasted_text", headers=admin)
    exported = list(csv.DictReader(io.StringIO(export.text)))
    assert [r["session_id"] for r in exported] == [pasted["session_id"]]
    assert "pasted_text" in exported[0]["quality_flags"].split()
    for bad in ({"flag": "sloppy"}, {"label": "maybe"}):
        response = await client.get(f"{DASH}/sessions", params=bad, headers=admin)
        assert response.status_code == 422, bad


async def test_a_survey_page_counts_decisions_reviews_flags_and_names_its_rule(client, admin):
    # Two analysed sessions, one never analysed; a rule that excludes one and reviews nothing.
    pasted = await new_session(client, admin, survey_id="SV_page")
    await send_events(
        client,
        admin,
        pasted,
        [*mouse_path(40), {"type": "paste", "t": 900.0, "length": 12, "field": "q1"}],
    )
    await client.post(f"/api/v1/detection/sessions/{pasted['session_id']}/analyze", headers=admin)
    other, _ = await _analysed(client, admin, webdriver=False, survey_id="SV_page")
    await new_session(client, admin, survey_id="SV_page", platform="decipher")
    await _analysed(client, admin, webdriver=True, survey_id="SV_elsewhere")
    rows = (await client.get(f"{DASH}/sessions?survey_id=SV_page", headers=admin)).json()["items"]
    probabilities = sorted(r["bot_probability"] for r in rows if r["bot_probability"] is not None)
    cut = (probabilities[0] + probabilities[1]) / 2  # the higher one is excluded
    saved = await client.put(
        "/api/v1/decision-rules/surveys/SV_page", json={"threshold": cut}, headers=admin
    )
    assert saved.status_code == 200, saved.text
    await client.put(
        f"{DASH}/sessions/{other['session_id']}/label", json={"label": "human"}, headers=admin
    )

    body = (await client.get(f"{DASH}/surveys/SV_page", headers=admin)).json()
    assert body["sessions"] == 3
    assert body["analyzed"] == 2
    assert body["unanalyzed"] == 1
    assert body["decisions"] == {
        "exclude": 1,
        "review": 0,
        "keep": 1,
        "insufficient_evidence": 0,
    }
    assert body["exclusion_rate"] == 0.5
    assert body["review"] == {"pending": 1, "confirmed_bot": 0, "dismissed": 0}
    assert body["quality_flags"]["pasted_text"] == 1
    assert body["with_quality_flags"] == 1
    assert body["labels"] == {"human": 1, "bot": 0}
    assert body["platforms"] == {"qualtrics": 2, "decipher": 1}
    assert body["rule"]["source"] == "survey"
    assert body["rule"]["threshold"] == cut
    assert body["scored_responses"] == 0

    listed = (await client.get(f"{DASH}/surveys", headers=admin)).json()["items"]
    by_id = {r["survey_id"]: r for r in listed}
    assert by_id["SV_page"]["sessions"] == 3
    assert by_id["SV_page"]["excluded"] == 1
    assert by_id["SV_page"]["exclusion_rate"] == 0.5
    assert set(by_id) == {"SV_page", "SV_elsewhere"}
    missing = await client.get(f"{DASH}/surveys/SV_nobody", headers=admin)
    assert missing.status_code == 404
    assert "error" in missing.json()
    for unstorable in ("SV%00x", "x" * 129):  # refused, never a database error
        refused = await client.get(f"{DASH}/surveys/{unstorable}", headers=admin)
        assert refused.status_code == 422, unstorable
        assert "error" in refused.json()


async def test_the_time_series_has_every_bucket_of_the_range(client, admin):
    await _analysed(client, admin, webdriver=False)
    now = dt.datetime.now(dt.UTC)
    day = await client.get(
        f"{DASH}/overview",
        params={"since": (now - dt.timedelta(days=1)).isoformat()},
        headers=admin,
    )
    series = day.json()["time_series"]
    # One busy hour in a day: 24 or 25 hourly points (the first hour is whole), one not zero.
    assert day.json()["granularity"] == "hour"
    assert len(series) in (24, 25)
    assert [p["sessions"] for p in series if p["sessions"]] == [1]
    hours = [dt.datetime.fromisoformat(p["bucket"]) for p in series]
    assert all(b - a == dt.timedelta(hours=1) for a, b in itertools.pairwise(hours))
    month = await client.get(
        f"{DASH}/overview",
        params={"since": (now - dt.timedelta(days=30)).isoformat()},
        headers=admin,
    )
    assert month.json()["granularity"] == "day"
    assert len(month.json()["time_series"]) in (30, 31)
    ages = await client.get(
        f"{DASH}/overview", params={"since": "1901-01-01T00:00:00Z"}, headers=admin
    )
    assert 1 <= len(ages.json()["time_series"]) <= 2  # from the first data, not from 1901


async def test_the_short_id_the_list_shows_tells_sessions_apart_and_finds_its_session(
    client, admin
):
    made = [(await new_session(client, admin, survey_id="SV_tail"))["session_id"] for _ in range(6)]
    # Made a moment apart: the start of the ids is their time, the end is random.
    assert len({sid[:8] for sid in made}) < len(made)
    assert len({sid[-8:] for sid in made}) == len(made)

    async def found(q: str) -> list[str]:
        page = await client.get(f"{DASH}/sessions", params={"q": q}, headers=admin)
        assert page.status_code == 200, page.text
        return [r["session_id"] for r in page.json()["items"]]

    for sid in made:
        assert await found("…" + sid[-8:]) == [sid]  # as the list shows it
        assert await found(sid[-8:]) == [sid]
        assert await found(sid[-12:].upper()) == [sid]
    nobody = next(t for t in ("00000000", "11111111") if not any(s.endswith(t) for s in made))
    assert await found("..." + nobody) == []
