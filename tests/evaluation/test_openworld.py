"""Calibration error as the report computes it."""

from __future__ import annotations

import numpy as np

from botsieve.evaluation.openworld import expected_calibration_error


def test_calibrated_scores_have_a_small_error() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(20000)
    y = (rng.random(20000) < p).astype(int)
    ece, curve = expected_calibration_error(p, y)
    assert ece < 0.03
    assert all(0 <= b[0] <= 1 and 0 <= b[1] <= 1 for b in curve)


def test_overconfident_scores_have_a_large_error() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 5000)
    p = np.where(rng.random(5000) < 0.5, 0.99, 0.01)
    ece, _ = expected_calibration_error(p, y)
    assert ece > 0.4
