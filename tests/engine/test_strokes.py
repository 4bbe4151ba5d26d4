"""Stroke signatures: a reshaped copy of a stroke is the same stroke; another hand's is not."""

from __future__ import annotations

import numpy as np

from botsieve.engine import session_strokes
from botsieve.engine.strokes import MAX_STROKES, STROKE_DIM, describe, reused_strokes
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
