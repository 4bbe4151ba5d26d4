from __future__ import annotations

import numpy as np
import pytest

from botsieve.evaluation.metrics import caught_at_fpr, roc_auc, roc_curve


def test_auc_of_perfect_random_and_reversed_scores() -> None:
    h, b = np.array([0.1, 0.2, 0.3]), np.array([0.7, 0.8])
    assert roc_auc(h, b) == 1.0
    assert roc_auc(b, h) == 0.0
    assert roc_auc(np.array([0.5, 0.5]), np.array([0.5])) == 0.5


def test_auc_matches_pairwise_definition() -> None:
    rng = np.random.default_rng(0)
    h, b = rng.normal(0, 1, 50), rng.normal(1, 1, 40)
    pairs = (b[:, None] > h[None, :]).mean() + 0.5 * (b[:, None] == h[None, :]).mean()
    assert roc_auc(h, b) == pytest.approx(pairs)


def test_caught_at_fpr_allows_that_many_people_above_the_cut() -> None:
    h = np.arange(100) / 100.0  # 0.00 .. 0.99
    b = np.array([0.985, 0.975, 0.5])
    # 1% of 100 people is one person: the cut is the second-highest person, 0.98.
    assert caught_at_fpr(h, b, 0.01) == pytest.approx(1 / 3)
    assert caught_at_fpr(h, b, 0.0) == 0.0


def test_roc_curve_runs_from_origin_to_corner() -> None:
    fpr, tpr = roc_curve(np.array([0.1, 0.4]), np.array([0.35, 0.8]))
    assert (fpr[0], tpr[0]) == (0.0, 0.0) and (fpr[-1], tpr[-1]) == (1.0, 1.0)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
