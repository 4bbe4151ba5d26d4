"""Event storage: lossless to a tenth of a unit, small on disk, and sorted for the engine."""

from __future__ import annotations

import hashlib
import math

import numpy as np
from hypothesis import given, settings

from botsieve.sessions.codec import decode_session, encode_batch
from botsieve.sessions.event_schema import FIELDS, MouseMove
from tests.factories import mixed_events
from tests.sessions.strategies import event_batches, parse_events


def _round_trip(events):
    rows = encode_batch(events)
    return decode_session([(r.event_type, r.count, r.data) for r in rows]), rows


def test_every_type_decodes_to_its_fields():
    events = parse_events(mixed_events())
    decoded, _ = _round_trip(events)
    for event_type, columns in decoded.events.items():
        assert set(columns) == {name for name, _ in FIELDS[event_type]}
        lengths = {len(v) for v in columns.values()}
        assert len(lengths) == 1


def test_the_stored_format_is_stable():
    """Rows already on disk must decode: the bytes change only with a new FORMAT_VERSION.

    The digest is of the encoding of ``mixed_events()`` as first released (numpy columns);
    a change of the factory's events changes it too, and is then re-recorded on purpose.
    """
    rows = encode_batch(parse_events(mixed_events()))
    blob = b"".join(r.data for r in rows)
    assert (len(rows), len(blob)) == (19, 537)
    assert hashlib.sha256(blob).hexdigest() == (
        "384c83598dff4486c6ceafabdb215742f021881df29701b92bcd545353e9474f"
    )


def test_a_realistic_mouse_path_costs_a_few_bytes_per_event():
    rng = np.random.default_rng(7)
    x = 400 + np.cumsum(rng.normal(0, 4, 1000))
    y = 300 + np.cumsum(rng.normal(0, 4, 1000))
    t = np.cumsum(rng.uniform(8, 17, 1000))
    events = [
        MouseMove(type="mousemove", t=round(t[i], 1), x=round(x[i], 1), y=round(y[i], 1))
        for i in range(1000)
    ]
    rows = []
    for start in range(0, 1000, 100):
        rows += encode_batch(events[start : start + 100])
    assert sum(len(r.data) for r in rows) / 1000 < 8


@settings(max_examples=150, deadline=None)
@given(event_batches())
def test_any_valid_batch_round_trips(batch):
    events = parse_events(batch)
    decoded, _ = _round_trip(events)
    for event_type in {e.type for e in events}:
        # Stored times are tenths of a millisecond; order ties as the codec does (batch order).
        mine = sorted((e for e in events if e.type == event_type), key=lambda e: round(e.t * 10))
        columns = decoded.events[event_type]
        assert len(columns["t"]) == len(mine)
        for field, kind in FIELDS[event_type]:
            if kind != "f":
                continue
            stored = columns[field]
            for got, event in zip(stored, mine, strict=True):
                want = getattr(event, field)
                if want is None:
                    assert math.isnan(got)
                else:
                    assert abs(got - want) <= 0.05 + 1e-9, (field, got, want)


def test_strings_get_session_wide_codes_across_rows():
    first = parse_events([{"type": "page", "t": 1, "mark": "Q1", "phase": "shown"}])
    second = parse_events(
        [
            {"type": "page", "t": 5, "mark": "Q2", "phase": "shown"},
            {"type": "page", "t": 6, "mark": "Q1", "phase": "submitted"},
        ]
    )
    rows = encode_batch(first) + encode_batch(second)
    decoded = decode_session([(r.event_type, r.count, r.data) for r in rows])
    marks = decoded.labels["mark"]
    codes = decoded.events["page"]["mark"]
    assert [marks[c] for c in codes] == ["Q1", "Q2", "Q1"]
    assert decoded.events["page"]["phase"].tolist() == [0, 0, 1]


def test_rows_from_several_batches_come_back_sorted_by_time():
    late = parse_events([{"type": "mousemove", "t": 900, "x": 1, "y": 1}])
    early = parse_events([{"type": "mousemove", "t": 100, "x": 2, "y": 2}])
    rows = encode_batch(late) + encode_batch(early)
    decoded = decode_session([(r.event_type, r.count, r.data) for r in rows])
    assert decoded.events["mousemove"]["t"].tolist() == [100.0, 900.0]
    assert decoded.events["mousemove"]["x"].tolist() == [2.0, 1.0]
