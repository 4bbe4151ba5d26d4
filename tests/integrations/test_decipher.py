"""Decipher's logic-node call: token in the body, optional signature, flat JSON reply."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import orjson

from tests.integrations.conftest import BASE, create_integration, human_session
from tests.integrations.standins.decipher import logic_node_call

SURVEY = "selfserve/9d3/proj1234"
SCORE = f"{BASE}/decipher/score"


async def _decipher(client, admin, **config):
    return await create_integration(
        client, admin, platform="decipher", survey_id=SURVEY, config=config
    )


async def test_logic_node_gets_the_verdict_form_encoded_and_json(client, admin):
    created = await _decipher(client, admin)
    sid = await human_session(client, admin, "u-1", survey_id=SURVEY)
    for as_json in (False, True):
        body, headers = logic_node_call(created["token"], SURVEY, "u-1", sid, as_json=as_json)
        reply = await client.post(SCORE, content=body, headers=headers)
        assert reply.status_code == 200, reply.text
        fields = reply.json()
        assert fields["status"] == "ok" and fields["verdict"] in ("human", "bot")
    # Idempotent: the second call (JSON) returned the first call's row.


async def test_signed_calls_are_checked(client, admin):
    created = await _decipher(client, admin, require_signature=True)
    key = created["shared_key"]
    body, headers = logic_node_call(created["token"], SURVEY, "u-2", key=key)
    assert (await client.post(SCORE, content=body, headers=headers)).status_code == 200
    unsigned, headers = logic_node_call(created["token"], SURVEY, "u-3")
    assert (await client.post(SCORE, content=unsigned, headers=headers)).status_code == 401
    wrong, headers = logic_node_call(created["token"], SURVEY, "u-3", key="another-key-entirely")
    assert (await client.post(SCORE, content=wrong, headers=headers)).status_code == 401
    stale, headers = logic_node_call(
        created["token"], SURVEY, "u-3", key=key, ts=int(time.time()) - 3600
    )
    reply = await client.post(SCORE, content=stale, headers=headers)
    assert reply.status_code == 401 and "replay" in reply.json()["error"]["message"]


async def test_token_is_required_and_must_be_decipher_s(client, admin):
    qualtrics = await create_integration(client, admin, survey_id="SV_x")
    await _decipher(client, admin)
    for token in ("", "bs_it_unknown", qualtrics["token"]):
        body, headers = logic_node_call(token, SURVEY, "u-4")
        reply = await client.post(SCORE, content=body, headers=headers)
        assert reply.status_code == 401, reply.text


async def test_malformed_calls_get_a_clear_4xx(client, admin):
    created = await _decipher(client, admin)
    token = created["token"]
    cases = [
        (b"{not json", {"Content-Type": "application/json"}, 400),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400),
        (
            f"token={token}&survey={SURVEY}".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            400,
        ),
        (b"<xml/>", {"Content-Type": "application/xml"}, 400),
        (
            f"token={token}&survey=other&uuid=u".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            400,
        ),
    ]
    for body, headers, status in cases:
        reply = await client.post(SCORE, content=body, headers=headers)
        assert reply.status_code == status, (body, reply.text)
        assert reply.json()["error"]["message"]


async def test_a_decipher_verdict_is_announced_by_webhook_once(
    app, client, admin, receiver, outbound
):
    from botsieve.integrations import outbox

    fake, server = receiver
    hook = (
        await client.post(f"{BASE}/webhooks", json={"url": f"{server.url}/hooks"}, headers=admin)
    ).json()
    fake.secrets = [hook["secret"]]
    created = await _decipher(client, admin)
    for _ in range(2):
        body, headers = logic_node_call(created["token"], SURVEY, "u-9")
        assert (await client.post(SCORE, content=body, headers=headers)).status_code == 200
    await outbox.run_once(app.state.botsieve, outbound)
    assert [r["body"]["data"]["response_id"] for r in fake.received] == ["u-9"]


async def test_nul_characters_are_refused(client, admin):
    created = await _decipher(client, admin)
    body, headers = logic_node_call(created["token"], SURVEY, "u\u0000x", as_json=True)
    assert (await client.post(SCORE, content=body, headers=headers)).status_code == 400


async def test_a_bearer_header_is_accepted_as_well_as_the_body_token(client, admin):
    created = await _decipher(client, admin)
    sid = await human_session(client, admin, "u-bearer", survey_id=SURVEY)
    body, headers = logic_node_call("", SURVEY, "u-bearer", sid, as_json=True)
    with_header = {**headers, "Authorization": f"Bearer {created['token']}"}
    reply = await client.post(SCORE, content=body, headers=with_header)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "ok"
    # Both, and they disagree: refused rather than guessing which one is meant.
    other = await _decipher_other(client, admin)
    body, headers = logic_node_call(other["token"], SURVEY, "u-bearer", sid, as_json=True)
    reply = await client.post(SCORE, content=body, headers={**headers, **with_header})
    assert reply.status_code == 401
    assert (await client.post(SCORE, content=body, headers=headers)).status_code == 200


async def _decipher_other(client, admin):
    return await create_integration(
        client, admin, platform="decipher", survey_id=SURVEY, name="second", config={}
    )


async def test_a_non_ascii_body_token_beside_a_bearer_header_is_a_401(client, admin):
    created = await _decipher(client, admin)
    body = {"token": "bs_it_\u00e4\ud809\udea6", "survey": SURVEY, "uuid": "u-5"}
    import json

    reply = await client.post(
        SCORE,
        content=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {created['token']}",
        },
    )
    assert reply.status_code == 401, reply.text


async def test_a_non_ascii_signature_is_a_401(client, admin):
    created = await _decipher(client, admin, require_signature=True)
    stamp = str(int(time.time()))
    for sig in ("\u00e9" * 64, "\U0001f916", "abc\u00e9"):
        for as_json in (True, False):
            body, headers = logic_node_call(created["token"], SURVEY, "u-na", as_json=as_json)
            extra = {"ts": stamp, "sig": sig}
            if as_json:
                body = orjson.dumps({**orjson.loads(body), **extra})
            else:
                body += b"&" + urlencode(extra).encode()
            reply = await client.post(SCORE, content=body, headers=headers)
            assert reply.status_code == 401, (sig, as_json, reply.text)
            assert "sig" in reply.json()["error"]["message"]
