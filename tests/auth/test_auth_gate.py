"""The failed-authentication gate (kit/authgate.py): a locked-out address is refused before any
middleware, route or database, in the one error shape, with Retry-After and without a log line
per request; valid keys from the same address still pass; the lockout ends with the window."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time

import httpx
import pytest

from botsieve.app import create_app
from botsieve.auth.service import KeyVerifier
from botsieve.kit.authgate import REFUSED, FailedAuthGate, Lockouts
from tests.conftest import _key, start_clean

SESSIONS = "/api/v1/dashboard/sessions"
EVENTS = "/api/v1/detection/sessions/00000000-0000-0000-0000-000000000000/events"
FLOODER = {"X-Forwarded-For": "203.0.113.9"}
HANG_CEILING_S = 60.0


def _random_key() -> dict[str, str]:
    return {"Authorization": "Bearer bs_sk_" + secrets.token_hex(20)}


@contextlib.asynccontextmanager
async def _gated(settings, rule: str, **more: object):
    """A started app whose failed-authentication limit is ``rule``, and a client on it."""
    tight = settings.model_copy(
        update={
            "rate_limit_failed_auth_per_ip": rule,
            "trusted_proxies": ["127.0.0.1/32"],
            **more,
        }
    )
    app = create_app(tight)
    async with app.router.lifespan_context(app):
        await start_clean(app)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield app, client


@pytest.fixture
async def gated(settings):
    async with _gated(settings, "3/minute") as pair:
        yield pair


async def _wrong_key_status(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    return (await client.get(SESSIONS, headers={**_random_key(), **headers})).status_code


async def _lock_out(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    codes = [await _wrong_key_status(client, headers) for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def _count_verifications(monkeypatch) -> dict[str, int]:
    calls = {"verify": 0}
    original = KeyVerifier.verify

    async def counting(self, presented):
        calls["verify"] += 1
        return await original(self, presented)

    monkeypatch.setattr(KeyVerifier, "verify", counting)
    return calls


async def test_a_locked_out_address_is_refused_before_anything_runs(gated, monkeypatch):
    app, client = gated
    await _lock_out(client, FLOODER)
    assert app.state.botsieve.lockouts.retry_after("203.0.113.9") is not None
    calls = _count_verifications(monkeypatch)
    before = REFUSED._value.get()
    refused = await client.post(EVENTS, headers={**_random_key(), **FLOODER}, content=b"x" * 5000)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json() == {
        "error": {
            "code": "rate_limited",
            "message": refused.json()["error"]["message"],
            "details": [],
            "request_id": None,
        }
    }
    # No other middleware ran (they add a request id) and no key was looked at.
    assert "x-request-id" not in refused.headers
    assert calls["verify"] == 0
    assert REFUSED._value.get() == before + 1


@pytest.mark.parametrize("env", ["test", "production"])
async def test_a_refusal_at_the_gate_carries_the_security_headers(settings, env):
    """The gate answers outside the security-headers middleware; its 429 carries the same
    headers as any other answer of the app (HSTS too, in production)."""
    from botsieve.kit.security_headers import headers_for

    async with _gated(settings, "3/minute", security_headers=True, env=env) as (_app, client):
        codes = [await client.get(SESSIONS, headers={**_random_key(), **FLOODER}) for _ in range(5)]
        answered, refused = codes[0], codes[-1]
        assert (answered.status_code, refused.status_code) == (401, 429)
        assert "x-request-id" not in refused.headers  # this one came from the gate
    expected = {
        name.decode(): value.decode()
        for name, value in headers_for(SESSIONS, hsts=env == "production")
    }
    assert ("strict-transport-security" in expected) == (env == "production")
    for name, value in expected.items():
        assert answered.headers.get(name) == value, name
        assert refused.headers.get(name) == value, name


async def test_the_gate_never_reads_the_body(gated):
    app, client = gated
    await _lock_out(client, FLOODER)
    received = []

    async def receive():
        received.append(1)
        return {"type": "http.request", "body": b"{}", "more_body": False}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": EVENTS, "raw_path": EVENTS.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("t", 80),
        "headers": [(b"x-forwarded-for", b"203.0.113.9"), (b"content-length", b"2"),
                    (b"authorization", _random_key()["Authorization"].encode())],
    }  # fmt: skip
    await app(scope, receive, send)
    assert sent[0]["status"] == 429 and received == []


async def test_valid_keys_from_a_locked_out_address_pass(gated, monkeypatch):
    app, client = gated
    good = {"Authorization": f"Bearer {await _key(app, 'secret')}"}
    await _lock_out(client, FLOODER)
    calls = _count_verifications(monkeypatch)
    assert (await client.get(SESSIONS, headers={**good, **FLOODER})).status_code == 200
    assert calls["verify"] == 1
    # A wrong secret behind a real prefix is checked, then refused as the address is.
    prefix_guess = {"Authorization": good["Authorization"][:-4] + "zzzz", **FLOODER}
    assert (await client.get(SESSIONS, headers=prefix_guess)).status_code == 429


class _Recorder:
    """Stands in for a structlog logger: keeps every line logged through it."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, dict]] = []

    def __getattr__(self, level):
        return lambda event, **fields: self.lines.append((event, fields))


async def test_a_refused_flood_leaves_no_log_line_per_request(gated, monkeypatch):
    app, client = gated
    logged = _Recorder()
    monkeypatch.setattr("botsieve.kit.middleware.log", logged)
    monkeypatch.setattr("botsieve.kit.authgate.log", logged)
    await _lock_out(client, FLOODER)
    assert len(logged.lines) == 4  # the access log does log every request that gets through
    for _ in range(30):
        refused = await client.get(SESSIONS, headers={**_random_key(), **FLOODER})
        assert refused.status_code == 429
    assert len(logged.lines) == 4
    _gate(app).tally.flush()
    event, fields = logged.lines[-1]
    assert (event, fields["refused"], fields["addresses"]) == ("auth_gate.refused", 30, 1)


async def test_the_lockout_ends_with_the_window(settings):
    async with _gated(settings, "3 per 2 seconds") as (app, client):
        await _lock_out(client, FLOODER)
        assert await _wrong_key_status(client, FLOODER) == 429
        started = time.monotonic()
        while True:  # waits for the window to pass, however slow the machine
            status = await _wrong_key_status(client, FLOODER)
            if status != 429:
                break
            assert time.monotonic() - started < HANG_CEILING_S
            await asyncio.sleep(0.05)
        assert status == 401
        assert app.state.botsieve.lockouts.retry_after("203.0.113.9") is None


def _gate(app) -> FailedAuthGate:
    layer = app.middleware_stack
    while not isinstance(layer, FailedAuthGate):
        layer = layer.app
    return layer


def test_lockouts_are_bounded():
    lockouts = Lockouts(max_addresses=3)
    for i in range(5):
        lockouts.lock(f"192.0.2.{i}", 60)
    assert len(lockouts) == 3
    assert lockouts.retry_after("192.0.2.0") is None and lockouts.retry_after("192.0.2.4") == 60
