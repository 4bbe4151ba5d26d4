"""Where the client takes its URL and key from, and what it sends with every request."""

from __future__ import annotations

import httpx
import pytest

from botsieve_client import AsyncClient, BotsieveError, Client

from .conftest import Script, reply
from .payloads import STATUS


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("BOTSIEVE_URL", raising=False)
    monkeypatch.delenv("BOTSIEVE_API_KEY", raising=False)
    return monkeypatch


def test_url_and_key_come_from_the_environment(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("BOTSIEVE_URL", "http://env.example:9000")
    no_env.setenv("BOTSIEVE_API_KEY", "bs_sk_from_env")
    script = Script(reply(200, STATUS))
    with Client(transport=httpx.MockTransport(script)) as client:
        client.session_status(STATUS["session_id"])
    request = script.last
    assert str(request.url).startswith("http://env.example:9000/api/v1/detection/sessions/")
    assert request.headers["authorization"] == "Bearer bs_sk_from_env"


def test_arguments_win_over_the_environment(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("BOTSIEVE_URL", "http://env.example:9000")
    no_env.setenv("BOTSIEVE_API_KEY", "bs_sk_from_env")
    script = Script(reply(200, STATUS))
    client = Client(
        api_key="bs_sk_arg", base_url="http://arg.example", transport=httpx.MockTransport(script)
    )
    with client:
        client.session_status(STATUS["session_id"])
    assert script.last.url.host == "arg.example"
    assert script.last.headers["authorization"] == "Bearer bs_sk_arg"


def test_missing_key_is_a_clear_error(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("BOTSIEVE_URL", "http://env.example")
    with pytest.raises(BotsieveError, match="BOTSIEVE_API_KEY"):
        Client()


def test_missing_url_is_a_clear_error(no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("BOTSIEVE_API_KEY", "bs_sk_x")
    with pytest.raises(BotsieveError, match="BOTSIEVE_URL"):
        AsyncClient()


@pytest.mark.parametrize(
    "given",
    [
        "http://h.example",
        "http://h.example/",
        "http://h.example/api/v1",
        "http://h.example/api/v1/",
    ],
)
def test_service_root_or_api_root_both_work(given: str) -> None:
    script = Script(reply(200, STATUS))
    with Client(api_key="k", base_url=given, transport=httpx.MockTransport(script)) as client:
        client.session_status("abc")
    assert str(script.last.url) == "http://h.example/api/v1/detection/sessions/abc/status"


def test_base_url_under_a_path_prefix_is_kept() -> None:
    script = Script(reply(200, STATUS))
    transport = httpx.MockTransport(script)
    with Client(api_key="k", base_url="http://h.example/bs", transport=transport) as client:
        client.session_status("abc")
    assert script.last.url.path == "/bs/api/v1/detection/sessions/abc/status"


def test_every_request_names_the_client_and_carries_a_request_id(make_client) -> None:
    script = Script(reply(200, STATUS), reply(200, STATUS))
    client = make_client(script)
    client.session_status("a")
    client.session_status("a")
    first, second = script.requests
    assert first.headers["user-agent"].startswith("botsieve-client/")
    assert first.headers["accept"] == "application/json"
    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        Client(api_key="k", base_url="http://h.example", max_retries=-1)
