"""Stroke signatures: a reshaped copy of a stroke is the same stroke; another hand's is not."""

from __future__ import annotations

import numpy as np

from botsieve.engine import session_strokes
from botsieve.engine.strokes import (
    ARC_DIM,
    MAX_STROKES,
    STROKE_DIM,
    describe,
    replayed_in_time,
    reused_strokes,
)
from tests.engine.sessions import hand_session


def _bent_stroke(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 40
    s = np.linspace(0, 1, n)
    x = 400 * s
    y = 60 * np.sin(np.pi * s) * rng.uniform(0.5, 1.5) + 15 * np.sin(3 * np.pi * s) * rng.normal()
    t = 800 * (s ** rng.uniform(0.7, 1.3))
    return t, x, y


def _reshape(t: np.ndarray, x: np.ndarray, y: np.ndarray, angle: float, scale: float) -> tuple:
    c, s = np.cos(angle) * scale, np.sin(angle) * scale
    return t * 1.1 + 37.0, 500 + c * x - s * y, 200 + s * x + c * y


def test_a_rotated_scaled_shifted_and_slowed_copy_is_the_same_stroke() -> None:
    original = describe(*_bent_stroke(1))
    copy = describe(*_reshape(*_bent_stroke(1), angle=2.1, scale=0.6))
    assert original is not None and copy is not None
    assert reused_strokes(copy[None, :], original[None, :]) == 1


def test_another_stroke_is_not_the_same() -> None:
    a, b = describe(*_bent_stroke(1)), describe(*_bent_stroke(2))
    assert a is not None and b is not None
    assert reused_strokes(a[None, :], b[None, :]) == 0


def _replayed(
    t: np.ndarray, x: np.ndarray, y: np.ndarray, start: tuple, end: tuple, warp: float
) -> tuple:
    """The stroke replayed at OS level: moved to ``start``, the error at the end spread along
    its path, its own timing kept (warped uniformly)."""
    step = np.hypot(np.diff(x), np.diff(y))
    frac = np.concatenate(([0.0], np.cumsum(step))) / step.sum()
    err_x, err_y = end[0] - start[0] - (x[-1] - x[0]), end[1] - start[1] - (y[-1] - y[0])
    return (
        100.0 + warp * t,
        np.round(start[0] + x - x[0] + frac * err_x),
        np.round(start[1] + y - y[0] + frac * err_y),
    )


def test_two_os_level_replays_of_one_recording_to_other_targets_are_found() -> None:
    """Moved and morphed onto different targets, the two replays bend differently (the
    arc-length description tells them apart), but their time-sampled difference is one line."""
    recorded = _bent_stroke(1)
    one = describe(*_replayed(*recorded, start=(100, 100), end=(420, 160), warp=1.0))
    two = describe(*_replayed(*recorded, start=(600, 500), end=(1050, 380), warp=1.12))
    assert one is not None and two is not None
    arc = np.sqrt(((one[:ARC_DIM] - two[:ARC_DIM]) ** 2).mean())
    assert arc > 0.03  # the reshaping match alone would miss it
    assert replayed_in_time(one[None, ARC_DIM:], two[None, ARC_DIM:]).tolist() == [True]
    assert reused_strokes(one[None, :], two[None, :]) == 1


def test_another_recording_replayed_the_same_way_is_not_that_recording() -> None:
    one = describe(*_replayed(*_bent_stroke(1), start=(100, 100), end=(420, 160), warp=1.0))
    other = describe(*_replayed(*_bent_stroke(2), start=(100, 100), end=(420, 160), warp=1.0))
    assert one is not None and other is not None
    assert replayed_in_time(one[None, ARC_DIM:], other[None, ARC_DIM:]).tolist() == [False]


def test_a_replay_slowed_beyond_a_time_warp_is_not_matched_in_time() -> None:
    recorded = _bent_stroke(1)
    one = describe(*_replayed(*recorded, start=(100, 100), end=(420, 160), warp=1.0))
    slow = describe(*_replayed(*recorded, start=(100, 100), end=(420, 160), warp=2.0))
    assert one is not None and slow is not None
    assert replayed_in_time(one[None, ARC_DIM:], slow[None, ARC_DIM:]).tolist() == [False]


def test_a_straight_stroke_says_nothing() -> None:
    s = np.linspace(0, 1, 30)
    assert describe(600 * s, 300 * s, 100 * s) is None


def test_a_session_gives_at_most_the_longest_strokes() -> None:
    sigs = session_strokes(hand_session(0, moves=4000))
    assert sigs.shape[1] == STROKE_DIM and 0 < sigs.shape[0] <= MAX_STROKES
    assert sigs.dtype == np.float32


def test_two_hands_share_no_strokes() -> None:
    a = session_strokes(hand_session(0))
    others = np.vstack([session_strokes(hand_session(s)) for s in range(1, 6)])
    assert reused_strokes(a, others) <= 1
