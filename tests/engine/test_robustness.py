"""Whatever arrives, the engine answers: odd, tiny, duplicated or degenerate events."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from botsieve.engine import analyze
from botsieve.engine.types import SessionInput

TYPES = (
    "mousemove",
    "mousedown",
    "mouseup",
    "click",
    "keydown",
    "keyup",
    "input",
    "page",
    "touchstart",
    "touchend",
    "wheel",
    "scroll",
    "visibilitychange",
    "blur",
)


def _session(seed: int, sizes: list[int], repeat_t: bool, all_same_xy: bool) -> SessionInput:
    rng = np.random.default_rng(seed)
    events = {}
    for kind, n in zip(TYPES, sizes, strict=False):
        t = np.sort(rng.uniform(0, 60_000, n).round())
        if repeat_t and n:
            t[:] = t[0]
        xy = np.full(n, 5.0) if all_same_xy else rng.uniform(-50, 2000, n).round()
        events[kind] = {
            "t": t,
            "trusted": np.ones(n, bool),
            "x": xy,
            "y": xy[::-1].copy(),
            "dx": np.where(rng.random(n) < 0.5, np.nan, 0.0),
            "dy": np.zeros(n),
            "w": np.full(n, np.nan),
            "h": np.full(n, np.nan),
            "button": rng.integers(0, 3, n),
            "key": rng.integers(0, 8, n),
            "pos": rng.integers(-1, 256, n),
            "repeat": rng.random(n) < 0.1,
            "input_type": rng.integers(0, 21, n),
            "delta": rng.integers(-3, 40, n),
            "phase": rng.integers(0, 2, n),
            "mark": rng.integers(0, 4, n),
            "state": rng.integers(0, 2, n),
        }
    return SessionInput(events=events)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 10_000),
    st.lists(st.integers(0, 400), min_size=len(TYPES), max_size=len(TYPES)),
    st.booleans(),
    st.booleans(),
)
def test_any_well_typed_session_gets_a_finite_verdict(
    seed: int, sizes: list[int], repeat_t: bool, all_same_xy: bool
) -> None:
    r = analyze(_session(seed, sizes, repeat_t, all_same_xy))
    assert 0.0 <= r.bot_probability <= 1.0
    assert math.isfinite(r.confidence_score)
    assert all(math.isfinite(v) for v in r.features.values())
    assert r.event_count == sum(sizes)
