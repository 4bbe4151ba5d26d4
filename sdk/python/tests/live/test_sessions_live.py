"""A session's whole life through the SDK, against a real service."""

from __future__ import annotations

import pytest

from botsieve_client import (
    AuthenticationError,
    Client,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableEntityError,
)

from .conftest import ENVIRONMENT, pointer_events
from .service import LiveService


def test_create_send_analyse_complete_delete(client: Client, survey_id: str) -> None:
    session = client.create_session(
        survey_id,
        platform="qualtrics",
        respondent_id="R_1",
        metadata={"panel": "A"},
        environment=ENVIRONMENT,
    )
    status = client.session_status(session)
    assert (status.status, status.platform, status.survey_id) == ("active", "qualtrics", survey_id)
    assert status.event_count == 0
    assert status.verdict.is_bot is None

    readiness = client.ready_for_analysis(session)
    assert readiness.ready is False
    assert any("events" in need for need in readiness.missing)

    events = pointer_events(30)
    accepted = client.send_events(session, events, batch_id="b-1")
    assert (accepted.accepted, accepted.duplicate, accepted.event_count) == (30, False, 30)
    assert client.ready_for_analysis(session.session_id).ready is True

    analysed = client.analyze(session)
    assert analysed.session_id == session.session_id
    assert analysed.event_count == 30
    assert 0.0 <= analysed.bot_probability <= 1.0
    assert client.latest_result(session) == analysed

    completed = client.complete(str(session.session_id))
    status = client.session_status(session)
    assert status.is_completed is True
    assert status.verdict.risk_level == completed.risk_level

    details = client.session_details(session)
    assert details.metadata == {"panel": "A"}
    assert details.events.total == 30
    assert details.events.by_type == {"mousemove": 29, "click": 1}
    assert len(details.results) == 2
    assert {r.created_at for r in details.results} == {analysed.created_at, completed.created_at}

    columns = client.session_events(session)
    assert columns.events["mousemove"]["x"][:3] == [100.0, 107.0, 114.0]
    assert columns.events["click"]["t"] == [events[-1]["t"]]

    assert client.delete_session(session).sessions_deleted == 1
    with pytest.raises(NotFoundError) as caught:
        client.session_status(session)
    assert caught.value.code == "not_found"
    assert caught.value.request_id == caught.value.response.headers["x-request-id"]
    assert client.delete_session(session).sessions_deleted == 0


def test_a_repeated_batch_is_acknowledged_not_stored(client: Client, survey_id: str) -> None:
    session = client.create_session(survey_id)
    events = pointer_events(5)
    client.send_events(session, events, batch_id="same")
    again = client.send_events(session, events, batch_id="same")
    assert again.duplicate is True
    assert again.accepted == 0
    assert again.event_count == 5
    client.send_events(session, pointer_events(5, start_t=1000.0))
    assert client.session_status(session).event_count == 10


def test_an_idempotency_key_gives_back_the_same_session(client: Client, survey_id: str) -> None:
    first = client.create_session(survey_id, idempotency_key="order-1-" + survey_id)
    again = client.create_session(survey_id, idempotency_key="order-1-" + survey_id)
    other = client.create_session(survey_id, idempotency_key="order-2-" + survey_id)
    assert again.session_id == first.session_id
    assert again.token == first.token
    assert other.session_id != first.session_id


def test_a_respondent_is_deleted_with_all_their_sessions(client: Client, survey_id: str) -> None:
    kept = client.create_session(survey_id, respondent_id="R_keep")
    for _ in range(2):
        client.create_session(survey_id, respondent_id="R_gone")
    assert client.delete_respondent(survey_id, "R_gone").sessions_deleted == 2
    assert client.delete_respondent(survey_id, "R_gone").sessions_deleted == 0
    assert client.session_status(kept).respondent_id == "R_keep"


def test_an_invalid_event_rejects_the_batch_and_names_it(client: Client, survey_id: str) -> None:
    session = client.create_session(survey_id)
    events = [*pointer_events(3), {"type": "mousemove", "t": 900.0, "x": "far", "y": 0}]
    with pytest.raises(UnprocessableEntityError) as caught:
        client.send_events(session, events)
    error = caught.value
    assert error.status_code == 422
    assert error.code == "validation_failed"
    assert error.details, error
    assert error.details[0]["loc"][:2] == ["events", 3]
    assert client.session_status(session).event_count == 0


def test_latest_result_of_a_session_never_analysed(client: Client, survey_id: str) -> None:
    session = client.create_session(survey_id)
    with pytest.raises(NotFoundError, match="not been analysed"):
        client.latest_result(session)


def test_an_unknown_key_is_an_authentication_error(service: LiveService) -> None:
    stranger = Client(base_url=service.url, api_key="bs_sk_not_a_real_key")
    with stranger, pytest.raises(AuthenticationError) as caught:
        stranger.overview()
    assert caught.value.status_code == 401
    assert caught.value.code == "unauthorized"
    assert caught.value.request_id


def test_a_publishable_key_is_refused_on_the_server_api(
    service: LiveService, client: Client
) -> None:
    key = service.create_key("publishable", "https://survey.example")
    session = client.create_session("SV_pk")
    browser_key = Client(base_url=service.url, api_key=key)
    with browser_key, pytest.raises(PermissionDeniedError) as caught:
        browser_key.session_status(session)
    assert caught.value.code == "forbidden"


def test_the_request_id_the_client_sends_is_the_one_the_service_reports(client: Client) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.session_status("00000000-0000-0000-0000-000000000000")
    sent = caught.value.response.request.headers["x-request-id"]
    assert caught.value.request_id == sent
    assert caught.value.response.headers["x-request-id"] == sent


def test_a_repeated_idempotency_key_gives_back_the_first_session(
    client: Client, survey_id: str
) -> None:
    first = client.create_session(survey_id, respondent_id="R_1", idempotency_key=survey_id)
    again = client.create_session(survey_id, respondent_id="R_1", idempotency_key=survey_id)
    assert again.session_id == first.session_id


def test_an_idempotency_key_reused_for_another_body_is_refused(
    client: Client, survey_id: str
) -> None:
    client.create_session(survey_id, respondent_id="R_1", idempotency_key=survey_id)
    with pytest.raises(UnprocessableEntityError) as caught:
        client.create_session("SV_other", respondent_id="R_2", idempotency_key=survey_id)
    assert caught.value.code == "idempotency_key_reused"


def test_a_malformed_session_id_is_refused_by_the_service(client: Client) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        client.session_status("not-a-uuid")
    assert caught.value.details[0]["loc"] == ["path", "session_id"]
