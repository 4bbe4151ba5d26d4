"""Calibration error as the report computes it, and the benign habits on an unseen source."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from botsieve.analysis.model_store import ARTIFACT
from botsieve.evaluation import habits
from botsieve.evaluation.dataset import HUMAN_FAMILY, Labelled
from botsieve.evaluation.openworld import _habits_on_unseen_source, expected_calibration_error
from tests.engine.sessions import hand_session


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


def _shipped_spec() -> dict[str, Any]:
    return json.loads(ARTIFACT.read_text())


def test_habits_on_an_unseen_source_count_who_crosses_the_threshold() -> None:
    # Generated hands (not real people: the shipped model puts them at 0.6-0.9), so the
    # threshold is set either side of every score, not left at the shipped one.
    people = [Labelled(hand_session(i), HUMAN_FAMILY, "lab") for i in range(4)]
    spec = {**_shipped_spec(), "threshold": 1.0}
    calm = _habits_on_unseen_source(people, np.arange(4), spec, np.random.default_rng(0))
    assert calm["people"] == 4 and calm["flipped_total"] == 0 and calm["flipped"] == {}
    assert 0.0 < calm["highest_probability"] < calm["threshold"] == 1.0
    assert calm["highest_habit"] in habits.HABITS
    touchy = _habits_on_unseen_source(
        people, np.arange(4), {**spec, "threshold": 0.0}, np.random.default_rng(0)
    )
    assert touchy["flipped"] == {name: 4 for name in habits.HABITS}
    assert touchy["flipped_total"] == 4 * len(habits.HABITS)


def test_no_more_people_are_tried_than_the_source_has_unflagged() -> None:
    people = [Labelled(hand_session(i), HUMAN_FAMILY, "lab") for i in range(3)]
    out = _habits_on_unseen_source(people, np.array([2]), _shipped_spec(), np.random.default_rng(0))
    assert out["people"] == 1
