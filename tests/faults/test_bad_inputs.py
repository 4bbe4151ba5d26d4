"""Hand-made bad inputs that once made server errors: each gets a 4xx in the one error shape,
on SQLite and PostgreSQL alike."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.integrations.conftest import BASE, create_integration

NUL = "\u0000"


def _refused(reply, status: int) -> None:
    assert reply.status_code == status, reply.text
    assert reply.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"email": f"owner{NUL}@example.org", "password": "a password"},
        {"email": "owner@example.org", "password": f"pass{NUL}word"},
        {"email": "owner@example.org", "password": "\udaf9"},
    ],
    ids=["nul-email", "nul-password", "lone-surrogate"],
)
async def test_login_with_unstorable_text_is_a_422(client, body):
    import json

    raw = json.dumps(body).encode()  # keeps the lone surrogate as \\udaf9
    reply = await client.post(
        "/api/v1/auth/login", content=raw, headers={"Content-Type": "application/json"}
    )
    _refused(reply, 422)


@pytest.mark.parametrize(
    "body",
    [
        {"name": f"key{NUL}", "kind": "secret"},
        {"name": "key", "kind": "publishable", "allowed_origins": [f"https://a{NUL}.example"]},
    ],
    ids=["name", "origin"],
)
async def test_a_key_with_a_nul_is_a_422(client, admin, body):
    _refused(await client.post("/api/v1/keys", json=body, headers=admin), 422)


async def test_revoking_a_key_named_with_a_nul_is_a_404(client, admin):
    _refused(await client.delete("/api/v1/keys/bs_sk_%00abc", headers=admin), 404)


@pytest.mark.parametrize("stamp", ["1" * 400, "\u00b2\u00b3", "\u0661\u0662\u0663"])
async def test_webhook_signature_with_an_odd_timestamp_is_a_401(client, admin, stamp):
    created = await create_integration(client, admin, platform="generic", survey_id="form-odd")
    # Header bytes reach the app decoded as Latin-1, so "²³" arrives as those characters.
    wide = any(ord(c) > 255 for c in stamp)
    headers = {"Botsieve-Signature": f"t={stamp},v1=abcdef".encode("utf-8" if wide else "latin-1")}
    reply = await client.post(created["event_path"], content=b"{}", headers=headers)
    _refused(reply, 401)


@pytest.mark.parametrize("stamp", ["\u00b2\u00b3", "1" * 400])
async def test_decipher_timestamp_of_unicode_digits_is_refused(client, admin, stamp):
    survey = "selfserve/odd/ts"
    created = await create_integration(
        client,
        admin,
        platform="decipher",
        survey_id=survey,
        config={"require_signature": True},
    )
    form = {"token": created["token"], "survey": survey, "uuid": "u", "ts": stamp, "sig": "ab"}
    reply = await client.post(
        f"{BASE}/decipher/score",
        content=urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _refused(reply, 400 if len(stamp) > 128 else 401)


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00"],
)
@pytest.mark.parametrize("route", ["overview", "sessions"])
@pytest.mark.parametrize("name", ["since", "until"])
async def test_dashboard_dates_at_the_ends_of_time_are_a_422(client, admin, route, name, value):
    reply = await client.get(f"/api/v1/dashboard/{route}", params={name: value}, headers=admin)
    _refused(reply, 422)
