"""What each method sends: method, path, body and headers, as docs/events.md and the service
define them."""

from __future__ import annotations

import json
import uuid

from botsieve_client.models import SessionCreated

from .conftest import Script, reply
from .payloads import ANALYSIS, EVENTS_ACCEPTED, SESSION_CREATED, SESSION_ID, STATUS


def body(script: Script) -> dict:
    return json.loads(script.last.content)


def test_create_session_sends_only_what_is_given(make_client) -> None:
    script = Script(reply(201, SESSION_CREATED))
    created = make_client(script).create_session("SV_1")
    assert script.last.method == "POST"
    assert script.last.url.path == "/api/v1/detection/sessions"
    assert body(script) == {"survey_id": "SV_1"}
    assert isinstance(created, SessionCreated)
    assert created.token == SESSION_CREATED["token"]


def test_create_session_sends_every_field(make_client) -> None:
    script = Script(reply(201, SESSION_CREATED))
    make_client(script).create_session(
        "SV_1",
        platform="qualtrics",
        respondent_id="R_1",
        metadata={"panel": "A"},
        environment={"webdriver": False},
        idempotency_key="k-1",
    )
    assert body(script) == {
        "survey_id": "SV_1",
        "platform": "qualtrics",
        "respondent_id": "R_1",
        "metadata": {"panel": "A"},
        "environment": {"webdriver": False},
    }
    assert script.last.headers["idempotency-key"] == "k-1"


def test_send_events_takes_the_token_from_the_created_session(make_client) -> None:
    script = Script(reply(202, EVENTS_ACCEPTED))
    created = SessionCreated.model_validate(SESSION_CREATED)
    events = [{"type": "keydown", "t": 5.0, "key": "letter"}]
    make_client(script).send_events(created, events, batch_id="b-1")
    assert script.last.url.path == f"/api/v1/detection/sessions/{SESSION_ID}/events"
    assert script.last.headers["x-session-token"] == SESSION_CREATED["token"]
    assert body(script) == {"batch_id": "b-1", "events": events}


def test_send_events_with_an_id_and_no_token_sends_no_token_header(make_client) -> None:
    script = Script(reply(202, EVENTS_ACCEPTED), reply(202, EVENTS_ACCEPTED))
    client = make_client(script)
    client.send_events(uuid.UUID(SESSION_ID), [{"type": "focus", "t": 1.0}])
    assert "x-session-token" not in script.last.headers
    first = body(script)["batch_id"]
    client.send_events(SESSION_ID, [{"type": "focus", "t": 1.0}], token="tok")
    assert script.last.headers["x-session-token"] == "tok"
    assert body(script)["batch_id"] != first


def test_session_reads_and_analysis_hit_their_routes(make_client) -> None:
    readiness = {
        "session_id": SESSION_ID,
        "ready": False,
        "event_count": 0,
        "events_by_type": {},
        "missing": ["the browser environment record"],
    }
    script = Script(
        reply(200, STATUS),
        reply(200, readiness),
        reply(200, ANALYSIS),
        reply(200, ANALYSIS),
        reply(200, ANALYSIS),
    )
    client = make_client(script)
    assert client.session_status(SESSION_ID).verdict.risk_level == "low"
    assert client.ready_for_analysis(SESSION_ID).missing == ["the browser environment record"]
    assert client.analyze(SESSION_ID).method_scores["tempo"].reasons[0].value == 0.2231
    client.complete(SESSION_ID)
    client.latest_result(SESSION_ID)
    seen = [
        (r.method, r.url.path.removeprefix(f"/api/v1/detection/sessions/{SESSION_ID}"))
        for r in script.requests
    ]
    assert seen == [
        ("GET", "/status"),
        ("GET", "/ready-for-analysis"),
        ("POST", "/analyze"),
        ("POST", "/complete"),
        ("GET", "/result"),
    ]


def test_deletions(make_client) -> None:
    script = Script(reply(200, {"sessions_deleted": 1}), reply(200, {"sessions_deleted": 2}))
    client = make_client(script)
    assert client.delete_session(SESSION_ID).sessions_deleted == 1
    assert script.last.method == "DELETE"
    assert script.last.url.path == f"/api/v1/detection/sessions/{SESSION_ID}"
    assert client.delete_respondent("SV 1", "R&1").sessions_deleted == 2
    assert script.last.url.path == "/api/v1/detection/respondents"
    assert dict(script.last.url.params) == {"survey_id": "SV 1", "respondent_id": "R&1"}


def test_a_session_id_cannot_leave_its_path_segment(make_client) -> None:
    script = Script(reply(200, STATUS))
    make_client(script).session_status("../../dashboard/overview")
    assert script.last.url.raw_path.startswith(b"/api/v1/detection/sessions/..%2F..%2F")


def test_dashboard_session_routes(make_client) -> None:
    details = {
        "session": STATUS,
        "environment": {},
        "metadata": {"panel": "A"},
        "events": {
            "total": 2,
            "by_type": {"mousemove": 1, "click": 1},
            "first_t": 10.0,
            "last_t": 250.0,
            "duration_ms": 240.0,
            "pages": [],
        },
        "results": [ANALYSIS],
    }
    columns = {
        "events": {"click": {"t": [250.0], "button": [0], "dx": [None], "trusted": [True]}},
        "labels": {},
    }
    script = Script(reply(200, details), reply(200, columns))
    client = make_client(script)
    got = client.session_details(SESSION_ID)
    assert script.last.url.path == f"/api/v1/dashboard/sessions/{SESSION_ID}/details"
    assert got.results[0].model_version == "lr1-b6da6a011b"
    assert got.metadata == {"panel": "A"}
    events = client.session_events(SESSION_ID)
    assert script.last.url.path == f"/api/v1/dashboard/sessions/{SESSION_ID}/events"
    click = events.events["click"]
    assert click["button"] == [0] and type(click["button"][0]) is int
    assert click["trusted"] == [True] and type(click["trusted"][0]) is bool
    assert click["dx"] == [None]


def test_fields_the_service_adds_later_are_ignored(make_client) -> None:
    script = Script(
        reply(200, {**STATUS, "new_field": 1, "verdict": {**STATUS["verdict"], "x": 2}})
    )
    status = make_client(script).session_status(SESSION_ID)
    assert status.event_count == 2
