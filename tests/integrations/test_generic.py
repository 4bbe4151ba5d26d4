"""The generic inbound webhook: our signature scheme, deduplicated on the response."""

from __future__ import annotations

import time

import orjson
import pytest
from sqlalchemy import select

from botsieve.integrations import outbox
from botsieve.integrations.webhooks import signature_header, verify
from botsieve.kit.db import transaction
from botsieve.kit.errors import Unauthorized
from botsieve.models import ScoredResponse
from tests.integrations.conftest import create_integration


def _event(response_id, answers=None):
    data = {
        "response_id": response_id,
        "duration_s": 300,
        "answers": answers or {"Q1_1": 3, "Q9": "fine"},
    }
    return orjson.dumps({"id": f"evt_{response_id}", "type": "response.completed", "data": data})


async def test_signed_event_is_scored_once(app, client, admin, outbound):
    created = await create_integration(client, admin, platform="generic", survey_id="form-7")
    body = _event("g-1")
    headers = {"Botsieve-Signature": signature_header([created["shared_key"]], body)}
    first = await client.post(created["event_path"], content=body, headers=headers)
    assert first.status_code == 200 and first.json()["duplicate"] is False
    again = await client.post(created["event_path"], content=body, headers=headers)
    assert again.json()["duplicate"] is True
    await outbox.run_once(app.state.botsieve, outbound)
    async with transaction(app.state.botsieve.sessionmaker) as db:
        row = await db.scalar(select(ScoredResponse).where(ScoredResponse.response_id == "g-1"))
    assert row.status == "no_session" and row.quality_score is not None


async def test_wrong_missing_and_stale_signatures_are_refused(client, admin):
    created = await create_integration(client, admin, platform="generic", survey_id="form-8")
    body = _event("g-2")
    cases = [
        {},
        {"Botsieve-Signature": signature_header(["wrong"], body)},
        {
            "Botsieve-Signature": signature_header(
                [created["shared_key"]], body, int(time.time()) - 600
            )
        },
        {"Botsieve-Signature": "garbage"},
    ]
    for headers in cases:
        reply = await client.post(created["event_path"], content=body, headers=headers)
        assert reply.status_code == 401, headers


async def test_malformed_body_is_a_400(client, admin):
    created = await create_integration(client, admin, platform="generic", survey_id="form-9")
    for body in (b"{", b"[]", b'{"data": {}}'):
        headers = {"Botsieve-Signature": signature_header([created["shared_key"]], body)}
        reply = await client.post(created["event_path"], content=body, headers=headers)
        assert reply.status_code == 400, body


async def test_text_no_database_can_store_is_a_400(client, admin):
    created = await create_integration(client, admin, platform="generic", survey_id="form-10")
    for body in (_event("g\u0000x"), _event("g-11", {"Q1": "a\u0000b"})):
        headers = {"Botsieve-Signature": signature_header([created["shared_key"]], body)}
        reply = await client.post(created["event_path"], content=body, headers=headers)
        assert reply.status_code == 400, reply.text


async def test_a_non_ascii_signature_is_a_401(client, admin):
    created = await create_integration(client, admin, platform="generic", survey_id="form-na")
    body = _event("g-na")
    good = signature_header([created["shared_key"]], body)
    stamp = good.split(",")[0]
    for header in (f"{stamp},v1=\u00e9\u00e9", f"{stamp},v1=caf\u00e9,{good.split(',')[1]}x"):
        # Sent as raw bytes (latin-1 and UTF-8 both), as a hostile client would.
        for raw in (header.encode("latin-1"), header.encode("utf-8")):
            reply = await client.post(
                created["event_path"], content=body, headers={"Botsieve-Signature": raw}
            )
            assert reply.status_code == 401, (raw, reply.text)


def test_verify_compares_any_text_without_raising():
    body, secret = b"{}", "whsec_x"
    header = signature_header([secret], body)
    assert verify(header, body, [secret]) > 0
    for bad in ("\u00e9", "\ud800", "\U0001f916"):
        with pytest.raises(Unauthorized):
            verify(f"{header.split(',')[0]},v1={bad}", body, [secret])
