"""Every error answer becomes the matching exception, carrying the service's error record."""

from __future__ import annotations

import httpx
import pytest

from botsieve_client import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BotsieveError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from .conftest import Script, reply
from .payloads import error


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (413, PayloadTooLargeError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (415, APIError),
    ],
)
def test_status_maps_to_its_exception(make_client, status: int, cls: type[APIError]) -> None:
    client = make_client(Script(reply(status, error("some_code", "Went wrong."))), max_retries=0)
    with pytest.raises(cls) as caught:
        client.session_status("s")
    exc = caught.value
    assert type(exc) is cls
    assert isinstance(exc, APIError)
    assert isinstance(exc, BotsieveError)
    assert exc.status_code == status
    assert exc.code == "some_code"
    assert exc.message == "Went wrong."
    assert exc.request_id == "req-0123456789"


def test_details_and_request_id_are_kept(make_client) -> None:
    body = error("validation_failed", "Invalid events (1 problems); first: events.0.x: ...")
    body["error"]["details"] = [
        {"loc": ["events", 0, "mousemove", "x"], "message": "m", "type": "t"}
    ]
    client = make_client(Script(reply(422, body)))
    with pytest.raises(UnprocessableEntityError) as caught:
        client.send_events("s", [{"type": "mousemove", "t": 1, "x": "far", "y": 0}])
    assert caught.value.details[0]["loc"] == ["events", 0, "mousemove", "x"]
    text = str(caught.value)
    assert text.startswith("422 validation_failed: Invalid events")
    assert "req-0123456789" in text


def test_an_answer_not_in_the_error_shape_still_maps(make_client) -> None:
    page = httpx.Response(
        502, text="<html>bad gateway</html>", headers={"X-Request-ID": "proxy-id-1234"}
    )
    client = make_client(Script(page), max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        client.session_status("s")
    assert caught.value.code is None
    assert caught.value.message == "Bad Gateway"
    assert caught.value.request_id == "proxy-id-1234"


def test_rate_limit_error_says_when_to_come_back(make_client) -> None:
    client = make_client(
        Script(reply(429, error("rate_limited", "Slow down."), **{"Retry-After": "90"}))
    )
    with pytest.raises(RateLimitError) as caught:
        client.session_status("s")
    assert caught.value.retry_after == 90.0


def test_no_answer_is_a_connection_error(make_client) -> None:
    client = make_client(Script(httpx.ConnectError("refused")), max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        client.session_status("s")
    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert caught.value.request.url.path.endswith("/detection/sessions/s/status")


def test_a_timeout_is_a_timeout_error(make_client) -> None:
    client = make_client(Script(httpx.ReadTimeout("slow")), max_retries=0)
    with pytest.raises(APITimeoutError):
        client.analyze("s")


def test_a_success_that_is_not_the_promised_model(make_client) -> None:
    client = make_client(Script(reply(200, {"unexpected": True})))
    with pytest.raises(APIResponseValidationError) as caught:
        client.session_status("s")
    assert caught.value.status_code == 200
    assert "SessionStatus" in caught.value.message
