"""Taking in events: batches, retries, beacons, gzip, and every way a batch can be wrong."""

from __future__ import annotations

import gzip
import uuid

import orjson

from tests.conftest import SURVEY_ORIGIN
from tests.factories import mixed_events, mouse_path, new_session, send_events


def _events_url(session: dict) -> str:
    return f"/api/v1/detection/sessions/{session['session_id']}/events"


async def _stored_count(client, admin, session) -> int:
    status = await client.get(
        f"/api/v1/detection/sessions/{session['session_id']}/status", headers=admin
    )
    return int(status.json()["event_count"])


async def test_batch_is_acknowledged_and_stored(client, admin, browser):
    session = await new_session(client, browser)
    response = await send_events(client, browser, session, mouse_path(100))
    assert response.status_code == 202
    assert response.json() == {"accepted": 100, "duplicate": False, "event_count": 100}
    assert await _stored_count(client, admin, session) == 100


async def test_every_event_type_round_trips(client, admin, browser):
    session = await new_session(client, browser)
    sent = mixed_events()
    assert (await send_events(client, browser, session, sent)).status_code == 202
    stored = await client.get(
        f"/api/v1/dashboard/sessions/{session['session_id']}/events", headers=admin
    )
    body = stored.json()
    assert {e["type"] for e in sent} == set(body["events"])
    click = body["events"]["click"]
    assert click["dx"] == [-2.5] and click["w"] == [120.0]
    assert body["events"]["keydown"]["key"] == [0]  # "letter" in the fixed vocabulary
    marks = body["labels"]["mark"]
    assert [marks[i] for i in body["events"]["page"]["mark"]] == ["Q1", "Q1"]
    assert body["events"]["mousemove"]["x"] == [10.5]
    assert body["events"]["mousemove"]["y"] == [20.3]


async def test_retried_batch_is_stored_once(client, admin, browser):
    session = await new_session(client, browser)
    first = await send_events(client, browser, session, mouse_path(50), batch_id="same")
    again = await send_events(client, browser, session, mouse_path(50), batch_id="same")
    assert first.json()["duplicate"] is False
    assert again.status_code == 202
    assert again.json() == {"accepted": 0, "duplicate": True, "event_count": 50}
    assert await _stored_count(client, admin, session) == 50


async def test_single_event_body(client, admin, browser):
    session = await new_session(client, browser)
    response = await client.post(
        _events_url(session),
        json={"batch_id": "one", "type": "mousemove", "t": 5, "x": 1, "y": 2},
        headers={**browser, "X-Session-Token": session["token"]},
    )
    assert response.status_code == 202
    assert response.json()["accepted"] == 1


async def test_beacon_form_carries_key_and_token_in_a_text_body(
    client, admin, browser, publishable_key
):
    session = await new_session(client, browser)
    body = {
        "key": publishable_key,
        "token": session["token"],
        "batch_id": "last",
        "events": mouse_path(10),
    }
    response = await client.post(
        _events_url(session),
        content=orjson.dumps(body),
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": SURVEY_ORIGIN},
    )
    assert response.status_code == 202, response.text
    assert await _stored_count(client, admin, session) == 10


async def test_gzip_body_is_accepted(client, admin, browser):
    session = await new_session(client, browser)
    raw = orjson.dumps({"batch_id": "gz", "events": mouse_path(200)})
    response = await client.post(
        _events_url(session),
        content=gzip.compress(raw),
        headers={
            **browser,
            "X-Session-Token": session["token"],
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        },
    )
    assert response.status_code == 202
    assert await _stored_count(client, admin, session) == 200


async def test_corrupt_gzip_is_400(client, browser):
    session = await new_session(client, browser)
    response = await client.post(
        _events_url(session),
        content=b"\x1f\x8b\x08garbage",
        headers={**browser, "X-Session-Token": session["token"], "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400


async def test_unknown_type_rejects_the_whole_batch(client, admin, browser):
    session = await new_session(client, browser)
    events = [*mouse_path(5), {"type": "keypress", "t": 200, "char": "a"}]
    response = await send_events(client, browser, session, events)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert error["details"][0]["loc"][:2] == ["events", 5]
    assert await _stored_count(client, admin, session) == 0


async def test_typed_characters_are_refused(client, browser):
    session = await new_session(client, browser)
    events = [{"type": "keydown", "t": 1, "key": "letter", "char": "s"}]
    response = await send_events(client, browser, session, events)
    assert response.status_code == 422
    assert "char" in str(response.json()["error"]["details"])


async def test_missing_and_absurd_values_are_named(client, browser):
    session = await new_session(client, browser)
    events = [
        {"type": "mousemove", "t": 1, "x": 5},
        {"type": "mousemove", "t": -3, "x": 5, "y": 5},
        {"type": "mousemove", "t": 2, "x": 1e12, "y": 5},
        {"type": "click", "t": 3, "x": 1, "y": 1, "button": 9},
    ]
    response = await send_events(client, browser, session, events)
    assert response.status_code == 422
    locs = [d["loc"] for d in response.json()["error"]["details"]]
    assert ["events", 0, "mousemove", "y"] in locs
    assert ["events", 1, "mousemove", "t"] in locs
    assert ["events", 2, "mousemove", "x"] in locs
    assert ["events", 3, "click", "button"] in locs


async def test_time_going_far_backwards_is_rejected(client, admin, browser):
    session = await new_session(client, browser)
    events = mouse_path(5, start_t=10_000) + mouse_path(2, start_t=1_000)
    response = await send_events(client, browser, session, events)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["type"] == "out_of_order"
    assert await _stored_count(client, admin, session) == 0


async def test_slightly_out_of_order_listeners_are_fine(client, browser):
    session = await new_session(client, browser)
    events = [
        {"type": "mousemove", "t": 100, "x": 1, "y": 1},
        {"type": "click", "t": 98, "x": 1, "y": 1},
    ]
    assert (await send_events(client, browser, session, events)).status_code == 202


async def test_empty_and_oversized_batches_are_rejected(client, browser):
    session = await new_session(client, browser)
    assert (await send_events(client, browser, session, [])).status_code == 422
    big = mouse_path(5001)
    response = await send_events(client, browser, session, big)
    assert response.status_code in (413, 422)


async def test_body_over_one_megabyte_is_413(client, browser):
    session = await new_session(client, browser)
    response = await client.post(
        _events_url(session),
        content=b'{"batch_id":"x","events":[' + b" " * 1_100_000 + b"]}",
        headers={**browser, "X-Session-Token": session["token"], "Content-Type": "text/plain"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_bad_batch_id_is_rejected(client, browser):
    session = await new_session(client, browser)
    response = await send_events(client, browser, session, mouse_path(2), batch_id="no spaces!")
    assert response.status_code == 422


async def test_wrong_content_type_is_415(client, browser):
    session = await new_session(client, browser)
    response = await client.post(
        _events_url(session),
        content=b"batch_id=1",
        headers={
            **browser,
            "X-Session-Token": session["token"],
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 415


async def test_wrong_token_is_403(client, admin, browser):
    session = await new_session(client, browser)
    forged = {**session, "token": "A" * 32}
    response = await send_events(client, browser, forged, mouse_path(3))
    assert response.status_code == 403
    assert await _stored_count(client, admin, session) == 0


async def test_publishable_key_cannot_write_into_another_keys_session(client, app, admin, browser):
    from tests.conftest import _key

    other_key = await _key(app, "publishable", [SURVEY_ORIGIN])
    other = {"Authorization": f"Bearer {other_key}", "Origin": SURVEY_ORIGIN}
    theirs = await new_session(client, other)
    mine = await new_session(client, browser)
    # my key, their session, even with their token
    response = await send_events(client, browser, theirs, mouse_path(3))
    assert response.status_code == 403
    # my key, their session, my token
    response = await send_events(client, browser, {**theirs, "token": mine["token"]}, [])
    assert response.status_code in (403, 422)
    assert await _stored_count(client, admin, theirs) == 0


async def test_unknown_session_is_404(client, browser):
    session = {"session_id": str(uuid.uuid4()), "token": "x" * 32}
    assert (await send_events(client, browser, session, mouse_path(2))).status_code == 404


async def test_expired_session_refuses_events(client, app, admin, browser):
    from sqlalchemy import update

    from botsieve.kit.db import transaction
    from botsieve.models import Session
    from botsieve.models.base import utcnow

    session = await new_session(client, browser)
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await db.execute(
            update(Session)
            .where(Session.id == uuid.UUID(session["session_id"]))
            .values(expires_at=utcnow())
        )
    response = await send_events(client, browser, session, mouse_path(2))
    assert response.status_code == 409
    assert "expired" in response.json()["error"]["message"]


async def test_events_without_key_are_401(client, browser):
    session = await new_session(client, browser)
    response = await client.post(
        _events_url(session),
        json={"batch_id": "x", "events": mouse_path(1)},
        headers={"X-Session-Token": session["token"], "Origin": SURVEY_ORIGIN},
    )
    assert response.status_code == 401
