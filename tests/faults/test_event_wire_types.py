"""Strict wire types in events: numbers are JSON numbers within bounds, flags are booleans, and
free strings are stored in a closed format or hashed. Every refusal is a 422 in the one error
shape, and nothing of a refused batch is stored; on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid

import pytest

from botsieve.kit.db import transaction
from botsieve.sessions.codec import decode_session
from botsieve.sessions.repository import SessionRepository
from tests.factories import new_session, send_events

MOVE = {"type": "mousemove", "t": 10.0, "x": 1, "y": 2}


def _raw_batch(events: str) -> bytes:
    return ('{"batch_id": "b1", "events": [' + events + "]}").encode()


@pytest.mark.parametrize(
    "event",
    [
        {**MOVE, "t": "1"},
        {**MOVE, "t": True},
        {**MOVE, "x": "5"},
        {**MOVE, "trusted": 1},
        {**MOVE, "trusted": "true"},
        {"type": "click", "t": 1, "x": 1, "y": 1, "button": 1.5},
        {"type": "click", "t": 1, "x": 1, "y": 1, "button": "1"},
        {"type": "keydown", "t": 1, "key": "letter", "pos": True},
        {"type": "input", "t": 1, "input_type": "insertText", "delta": "1"},
        {"type": "paste", "t": 1, "length": 10**30},
        {"type": "touchmove", "t": 1, "x": 1, "y": 1, "force": 2},
        {**MOVE, "t": -1},
        {**MOVE, "t": 1e12},
        {**MOVE, "x": -1e9},
        {**MOVE, "x": None},
        {**MOVE, "x": [1]},
        {"type": "resize", "t": 1, "w": {"v": 1}, "h": 1},
    ],
    ids=lambda e: ",".join(f"{k}={v!r}" for k, v in e.items() if k not in ("type", "y")),
)
async def test_a_wrong_number_type_or_range_is_a_422_and_stores_nothing(client, admin, event):
    session = await new_session(client, admin)
    reply = await send_events(client, admin, session, [MOVE, event])
    assert reply.status_code == 422, reply.text
    error = reply.json()["error"]
    assert error["message"] and error["details"][0]["loc"][:2] == ["events", 1]
    status = await client.get(
        f"/api/v1/detection/sessions/{session['session_id']}/status", headers=admin
    )
    assert status.json()["event_count"] == 0


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "0x10"])
async def test_non_finite_or_non_json_numbers_are_refused(client, admin, number):
    session = await new_session(client, admin)
    reply = await client.post(
        f"/api/v1/detection/sessions/{session['session_id']}/events",
        content=_raw_batch('{"type": "mousemove", "t": 1, "x": ' + number + ', "y": 2}'),
        headers={**admin, "X-Session-Token": session["token"], "Content-Type": "application/json"},
    )
    assert reply.status_code in (400, 422), reply.text
    assert reply.json()["error"]["message"]


async def test_json_integers_are_numbers_where_decimals_are_expected(client, admin):
    session = await new_session(client, admin)
    events = [{"type": "mousemove", "t": 5, "x": 3, "y": 4, "trusted": False}]
    assert (await send_events(client, admin, session, events)).status_code == 202


async def _labels(app, session_id: str) -> dict[str, list[str]]:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        decoded = decode_session(await SessionRepository(db).event_rows(uuid.UUID(session_id)))
    return {k: list(v) for k, v in decoded.labels.items()}


async def test_free_strings_are_hashed_unless_in_a_closed_format(app, client, admin):
    typed = "my password is hunter2"
    session = await new_session(client, admin)
    events = [
        {"type": "focus", "t": 1, "target": typed},
        {"type": "focus", "t": 2, "target": "window"},
        {"type": "input", "t": 3, "input_type": "insertText", "delta": 1, "field": "email"},
        {"type": "paste", "t": 4, "length": 3, "field": typed},
        {"type": "page", "t": 5, "mark": "QID3", "phase": "shown"},
        {"type": "page", "t": 6, "mark": typed, "phase": "submitted"},
    ]
    assert (await send_events(client, admin, session, events)).status_code == 202
    again = [{"type": "blur", "t": 7, "target": typed}]
    assert (await send_events(client, admin, session, again, batch_id="b2")).status_code == 202

    labels = await _labels(app, session["session_id"])
    everything = repr(labels)
    assert "hunter2" not in everything and "email" not in everything
    assert "window" in labels["target"] and "QID3" in labels["mark"]
    hashed = [v for values in labels.values() for v in values if v not in ("window", "QID3")]
    assert hashed and all(v.startswith("h:") and len(v) == 18 for v in hashed)
    # The same string is the same hash wherever it was sent, so the detectors can compare them.
    assert len(set(labels["target"])) == 2
    assert set(labels["field"]) & set(labels["target"]) & set(labels["mark"])
