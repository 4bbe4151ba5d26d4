"""Property tests: what the schema accepts is stored; what it refuses never is."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.sessions.strategies import any_event, event_batches, parse_events

REQUIRED = {
    "mousemove": ("x", "y"),
    "mousedown": ("x", "y"),
    "click": ("x", "y"),
    "wheel": ("dx", "dy"),
    "scroll": ("x", "y"),
    "keydown": ("key",),
    "keyup": ("key",),
    "input": ("input_type", "delta"),
    "paste": ("length",),
    "visibilitychange": ("state",),
    "resize": ("w", "h"),
    "touchmove": ("x", "y"),
    "page": ("mark", "phase"),
}


@given(event_batches())
def test_generated_events_are_accepted(batch):
    assert len(parse_events(batch)) == len(batch)


@given(any_event, st.data())
def test_dropping_a_required_field_is_refused(event, data):
    required = (*REQUIRED.get(event["type"], ()), "t")
    field = data.draw(st.sampled_from(required))
    broken = {k: v for k, v in event.items() if k != field}
    with pytest.raises(ValidationError):
        parse_events([broken])


@given(any_event, st.text(min_size=1, max_size=12))
def test_unknown_fields_are_refused(event, name):
    assume(
        name not in event
        and name
        not in {
            "trusted",
            "pos",
            "repeat",
            "button",
            "dx",
            "dy",
            "w",
            "h",
            "field",
            "target",
            "id",
            "force",
            "x",
            "y",
        }
    )
    with pytest.raises(ValidationError):
        parse_events([{**event, name: 1}])


@given(any_event, st.sampled_from([-1.0, 86_400_001.0, float("nan"), float("inf")]))
def test_times_out_of_range_are_refused(event, bad_t):
    with pytest.raises(ValidationError):
        parse_events([{**event, "t": bad_t}])


@given(st.sampled_from(["\x00", "a\x00b", "\ud800", "ok\udfff"]))
def test_text_no_database_can_store_is_refused(text):
    with pytest.raises(ValidationError):
        parse_events([{"type": "page", "t": 1, "mark": text, "phase": "shown"}])


@given(st.sampled_from(["keypress", "", "MouseMove", "submit", "pointermove"]))
def test_unknown_types_are_refused(kind):
    with pytest.raises(ValidationError):
        parse_events([{"type": kind, "t": 1}])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=event_batches(max_size=10), position=st.integers(0, 9))
async def test_a_batch_with_one_bad_event_stores_nothing(client, admin, batch, position):
    from tests.factories import new_session, send_events

    position %= len(batch)
    broken = copy.deepcopy(batch)
    broken[position] = {**broken[position], "t": -5}
    ordered = sorted(broken, key=lambda e: e["t"])
    session = await new_session(client, admin)
    response = await send_events(client, admin, session, ordered)
    assert response.status_code == 422
    status = await client.get(
        f"/api/v1/detection/sessions/{session['session_id']}/status", headers=admin
    )
    assert status.json()["event_count"] == 0
