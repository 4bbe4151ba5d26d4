"""Rate limits, expired sessions and an absent service, for real: what the SDK waits for and
what it raises."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from botsieve_client import APIConnectionError, Client, ConflictError, RateLimitError

from .service import LiveService, free_port

LIMIT = 3


@pytest.fixture(scope="module")
def strict_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """A service that allows each secret key three calls a minute, and sessions of ~2 s."""
    live = LiveService(
        tmp_path_factory.mktemp("strict"),
        BOTSIEVE_RATE_LIMIT_SECRET_PER_KEY=f"{LIMIT}/minute",
        BOTSIEVE_SESSION_TTL_HOURS=str(2 / 3600),
    )
    live.start()
    try:
        yield live
    finally:
        live.stop()


def test_retry_after_from_the_service_is_waited_for_then_raised(
    strict_service: LiveService,
) -> None:
    waits: list[float] = []
    key = strict_service.create_key("secret")
    with Client(
        base_url=strict_service.url, api_key=key, max_retries=2, sleep=waits.append
    ) as client:
        for _ in range(LIMIT):
            client.overview()
        with pytest.raises(RateLimitError) as caught:
            client.overview()
    error = caught.value
    assert error.code == "rate_limited"
    assert error.retry_after is not None
    assert 1 <= error.retry_after <= 60
    assert error.response.headers["retry-after"] == str(int(error.retry_after))
    # Two retries, each after the Retry-After the service gave at the time.
    assert len(waits) == 2
    assert all(1 <= w <= 60 for w in waits)
    assert waits[-1] >= error.retry_after


def test_session_creation_without_a_key_is_not_retried_on_429(
    strict_service: LiveService,
) -> None:
    waits: list[float] = []
    key = strict_service.create_key("secret")
    with Client(base_url=strict_service.url, api_key=key, sleep=waits.append) as client:
        for _ in range(LIMIT):
            client.overview()
        with pytest.raises(RateLimitError):
            client.create_session("SV_limits")
    assert waits == []


def test_events_for_an_expired_session_are_a_conflict(strict_service: LiveService) -> None:
    key = strict_service.create_key("secret")
    with Client(base_url=strict_service.url, api_key=key, max_retries=0) as client:
        session = client.create_session("SV_expiry")
        time.sleep(2.5)
        with pytest.raises(ConflictError) as caught:
            client.send_events(session, [{"type": "focus", "t": 1.0}])
    assert caught.value.code == "conflict"
    assert "expired" in caught.value.message


def test_an_absent_service_is_a_connection_error_after_retries() -> None:
    waits: list[float] = []
    url = f"http://127.0.0.1:{free_port()}"
    client = Client(base_url=url, api_key="bs_sk_x", max_retries=2, sleep=waits.append)
    with client, pytest.raises(APIConnectionError) as caught:
        client.session_status("00000000-0000-0000-0000-000000000000")
    assert len(waits) == 2
    assert url in str(caught.value)
