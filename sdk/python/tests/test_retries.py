"""Which calls are tried again, after what, and how long the client waits in between.

Every test runs against both clients; the injected sleep records the waits instead of waiting.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from botsieve_client import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
)
from botsieve_client._constants import MAX_RETRY_DELAY
from botsieve_client._retries import backoff_delay

from .conftest import Script, Sleeps, reply
from .payloads import ANALYSIS, EVENTS_ACCEPTED, SESSION_CREATED, STATUS, error

Run = Callable[..., Any]


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest, make_client, make_async_client) -> Run:
    """run(script, "method", *args, options={...}, **kwargs) on a Client or an AsyncClient."""

    def sync(script: Script, method: str, *args: Any, options: Any = None, **kwargs: Any) -> Any:
        with make_client(script, **(options or {})) as client:
            return getattr(client, method)(*args, **kwargs)

    def async_(script: Script, method: str, *args: Any, options: Any = None, **kw: Any) -> Any:
        async def go() -> Any:
            async with make_async_client(script, **(options or {})) as client:
                return await getattr(client, method)(*args, **kw)

        return asyncio.run(go())

    return sync if request.param == "sync" else async_


def unavailable() -> httpx.Response:
    return reply(503, error("unavailable", "Down for a moment."))


def test_a_read_is_retried_after_a_5xx(run: Run, sleeps: Sleeps) -> None:
    script = Script(unavailable(), reply(200, STATUS))
    status = run(script, "session_status", "s")
    assert status.is_completed is True
    assert len(script.requests) == 2
    assert len(sleeps) == 1
    assert 0.25 <= sleeps[0] <= 0.5


def test_retry_after_seconds_is_honoured(run: Run, sleeps: Sleeps) -> None:
    limited = reply(429, error("rate_limited", "Slow down."), **{"Retry-After": "7"})
    script = Script(limited, reply(200, STATUS))
    run(script, "session_status", "s")
    assert sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(run: Run, sleeps: Sleeps) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    script = Script(
        reply(503, error("unavailable", "x"), **{"Retry-After": when}), reply(200, STATUS)
    )
    run(script, "session_status", "s")
    assert len(sleeps) == 1
    assert 3.0 <= sleeps[0] <= 5.0


def test_a_retry_after_beyond_the_limit_is_not_waited_for(run: Run, sleeps: Sleeps) -> None:
    script = Script(reply(429, error("rate_limited", "Later."), **{"Retry-After": "3600"}))
    with pytest.raises(RateLimitError) as caught:
        run(script, "session_status", "s")
    assert caught.value.retry_after == 3600.0
    assert len(script.requests) == 1
    assert sleeps == []


def test_backoff_doubles_until_retries_run_out(run: Run, sleeps: Sleeps) -> None:
    script = Script(*(reply(500, error("internal_error", "Oops.")) for _ in range(4)))
    with pytest.raises(InternalServerError):
        run(script, "latest_result", "s", options={"max_retries": 3})
    assert len(script.requests) == 4
    assert len(sleeps) == 3
    for attempt, (waited, ceiling) in enumerate(zip(sleeps, [0.5, 1.0, 2.0], strict=True)):
        assert ceiling / 2 <= waited <= ceiling, (attempt, waited)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
    ],
)
def test_client_errors_are_not_retried(run: Run, sleeps: Sleeps, status: int, cls: type) -> None:
    script = Script(reply(status, error("x", "No.")))
    with pytest.raises(cls):
        run(script, "session_status", "s")
    assert len(script.requests) == 1
    assert sleeps == []


def test_max_retries_zero_turns_retries_off(run: Run, sleeps: Sleeps) -> None:
    script = Script(unavailable())
    with pytest.raises(InternalServerError):
        run(script, "session_status", "s", options={"max_retries": 0})
    assert len(script.requests) == 1


def test_session_creation_without_idempotency_key_is_not_retried(run: Run, sleeps: Sleeps) -> None:
    script = Script(unavailable())
    with pytest.raises(InternalServerError):
        run(script, "create_session", "SV_1")
    assert len(script.requests) == 1
    assert "idempotency-key" not in script.last.headers


def test_session_creation_with_idempotency_key_is_retried_with_the_same_key(run: Run) -> None:
    script = Script(httpx.ReadTimeout("lost"), reply(201, SESSION_CREATED))
    created = run(script, "create_session", "SV_1", idempotency_key="order-77")
    assert str(created.session_id) == SESSION_CREATED["session_id"]
    assert [r.headers["idempotency-key"] for r in script.requests] == ["order-77", "order-77"]


def test_a_batch_is_retried_with_the_same_batch_id(run: Run) -> None:
    script = Script(httpx.RemoteProtocolError("reset"), unavailable(), reply(202, EVENTS_ACCEPTED))
    events = [{"type": "mousemove", "t": 1.0, "x": 1, "y": 2}]
    accepted = run(script, "send_events", "s", events)
    assert accepted.accepted == 2
    bodies = [r.content for r in script.requests]
    assert len(bodies) == 3
    assert bodies[0] == bodies[1] == bodies[2]
    batch_id = httpx.Response(200, content=bodies[0]).json()["batch_id"]
    assert re.fullmatch(r"py-[0-9a-f]{32}", batch_id)


def test_analysis_is_retried_after_a_lost_connection(run: Run, sleeps: Sleeps) -> None:
    script = Script(httpx.ConnectError("refused"), reply(200, ANALYSIS))
    result = run(script, "analyze", "s")
    assert result.risk_level == "low"
    assert len(sleeps) == 1


def test_deletion_is_retried(run: Run) -> None:
    script = Script(unavailable(), reply(200, {"sessions_deleted": 1}))
    assert run(script, "delete_session", "s").sessions_deleted == 1
    assert [r.method for r in script.requests] == ["DELETE", "DELETE"]


def test_no_answer_at_all_ends_in_a_connection_error(run: Run, sleeps: Sleeps) -> None:
    script = Script(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(APIConnectionError) as caught:
        run(script, "session_status", "s", options={"max_retries": 2})
    assert not isinstance(caught.value, APITimeoutError)
    assert len(script.requests) == 3
    assert len(sleeps) == 2


def test_repeated_timeouts_end_in_a_timeout_error(run: Run) -> None:
    script = Script(*(httpx.ConnectTimeout("slow") for _ in range(2)))
    with pytest.raises(APITimeoutError):
        run(script, "session_status", "s", options={"max_retries": 1})
    assert len(script.requests) == 2


def test_attempts_share_one_request_id(run: Run) -> None:
    script = Script(unavailable(), unavailable(), reply(200, STATUS))
    run(script, "session_status", "s")
    ids = {r.headers["x-request-id"] for r in script.requests}
    assert len(ids) == 1


def test_backoff_is_capped_and_jittered() -> None:
    assert backoff_delay(0, rand=lambda: 0.0) == 0.5
    assert backoff_delay(0, rand=lambda: 1.0) == 0.25
    assert backoff_delay(3, rand=lambda: 0.0) == 4.0
    assert backoff_delay(30, rand=lambda: 0.0) == MAX_RETRY_DELAY
    assert backoff_delay(30, rand=lambda: 1.0) == MAX_RETRY_DELAY / 2
