from __future__ import annotations

import numpy as np
import pytest

from botsieve.engine.model import DEFAULT_VERSION, Model, default_risk_edges, load_model


def _spec(**over: object) -> dict:
    spec = {
        "format": "botsieve-model/1",
        "version": "t1",
        "threshold": 0.8,
        "features": ["a", "b"],
        "impute": [0.0, 0.0],
        "center": [0.0, 0.0],
        "scale": [1.0, 1.0],
        "human_lo": [-1.0, -1.0],
        "human_hi": [1.0, 1.0],
        "sides": [0, 1],
        "coef": [1.0, 0.0, 2.0, 2.0, 0.5],
        "intercept": -1.0,
        "calibration": {"a": 1.0, "b": 0.0},
    }
    spec.update(over)
    return spec


def test_empty_spec_is_a_rules_only_model() -> None:
    m = load_model({})
    assert m.version == DEFAULT_VERSION and m.features == ()
    assert m.threshold == 0.5


def test_unknown_format_and_wrong_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        load_model({"format": "pickle"})
    with pytest.raises(ValueError):
        load_model(_spec(coef=[1.0]))


def test_inside_range_is_linear_outside_adds_distance() -> None:
    m = Model(_spec())
    inside = m.design(np.array([0.5, 0.0]))
    assert inside.tolist() == [0.5, 0.0, 0.0, 0.0, 0.0]
    beyond = m.design(np.array([3.0, -3.0]))
    # a: clipped to 1 inside, 2 beyond; b: one-sided (above only), so below counts nothing.
    assert beyond.tolist() == [1.0, -1.0, 2.0, 0.0, 2.0]


def test_missing_values_take_the_imputed_typical_value() -> None:
    m = Model(_spec(impute=[0.25, 0.0]))
    assert m.design(np.array([np.nan, 0.0]))[0] == 0.25


def test_contributions_add_up_to_the_logit() -> None:
    m = Model(_spec())
    raw = np.array([2.5, 0.3])
    assert m.logit(raw) == pytest.approx(m.base_logit + m.contributions(raw).sum())


def test_risk_edges_follow_the_threshold() -> None:
    low, mid, high = default_risk_edges(0.8)
    assert low < mid <= high and mid == 0.8
