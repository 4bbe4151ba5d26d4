from __future__ import annotations

import numpy as np

from botsieve.engine import load_model
from botsieve.evaluation.fit import (
    SOURCE_MARGIN,
    TrainingSet,
    fit_logistic,
    preprocessing,
    probabilities,
    source_shift,
    train_model,
)

SIGNALS = 6


def _toy(seed: int = 0, n: int = 300) -> TrainingSet:
    """Bots differ on several features at once (no single feature may decide a verdict), one
    feature is noise and one has gaps."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(np.int64)
    signals = [rng.normal(y * 3.0, 1.0) for _ in range(SIGNALS)]
    X = np.column_stack([*signals, rng.normal(0, 1, n), rng.normal(0, 1, n)])
    X[rng.random(n) < 0.1, -1] = np.nan
    return TrainingSet(
        (*(f"signal{i}" for i in range(SIGNALS)), "noise", "gappy"),
        X,
        y,
        np.ones(n),
        np.arange(n) % 5,
        np.zeros(n),
        np.zeros(n, dtype=bool),
    )


def test_logistic_regression_finds_the_signal() -> None:
    ts = _toy()
    coef, _ = fit_logistic(ts.X[:, [0, SIGNALS]], ts.y.astype(float), ts.weight, l2=1.0)
    assert coef[0] > 1.0 and abs(coef[1]) < 0.3


def test_non_negative_columns_stay_non_negative() -> None:
    ts = _toy()
    Z = np.column_stack([ts.X[:, 0], -ts.X[:, 0]])
    coef, _ = fit_logistic(Z, ts.y.astype(float), ts.weight, l2=1.0, nonneg=np.array([False, True]))
    assert coef[1] == 0.0 and coef[0] > 0


def test_one_feature_alone_cannot_reach_the_threshold() -> None:
    ts = _toy()
    spec = train_model(ts)
    contrib = load_model(spec).contributions(ts.X)
    assert np.abs(contrib).max() <= spec["feature_cap"] + 1e-9


def test_trained_spec_loads_and_flags_few_people() -> None:
    ts = _toy()
    spec = train_model(ts)
    model = load_model(spec)
    assert model.features == ts.names and 0.5 <= model.threshold < 1.0
    p = probabilities(spec, ts.X, ts.rule_logit, ts.proof)
    assert (p[ts.y == 0] >= model.threshold).mean() <= 0.05
    assert (p[ts.y == 1] >= model.threshold).mean() > 0.5


def test_training_is_deterministic() -> None:
    assert train_model(_toy(1)) == train_model(_toy(1))


def test_proof_lifts_probability() -> None:
    ts = _toy()
    spec = train_model(ts)
    p = probabilities(spec, ts.X[:3], np.zeros(3), np.array([True, False, False]))
    assert p[0] >= 0.995


def _two_sources(shift: float, n: int = 400) -> TrainingSet:
    """People of two sources that differ by ``shift`` on the first feature only; bots far off
    on both features."""
    rng = np.random.default_rng(3)
    y = (np.arange(n) % 4 == 0).astype(np.int64)
    group = np.where(y == 1, "zoo", np.where(np.arange(n) % 2 == 0, "lab", "panel"))
    X = rng.normal(0, 1, (n, 2))
    X[group == "panel", 0] += shift
    X[y == 1] += 6.0
    return TrainingSet(
        ("sourced", "steady"),
        X,
        y,
        np.ones(n),
        np.arange(n) % 5,
        np.zeros(n),
        np.zeros(n, dtype=bool),
        group=group,
    )


def test_source_shift_measures_how_far_human_sources_disagree() -> None:
    ts = _two_sources(3.0)
    shift = source_shift(ts.X, ts.y, ts.group)
    assert 2.5 < shift[0] < 3.5 and shift[1] < 0.5
    assert (source_shift(ts.X, ts.y, None) == 0).all()


def test_people_range_reaches_as_far_beyond_as_sources_differ() -> None:
    near, far = _two_sources(0.0), _two_sources(3.0)
    width = [
        np.subtract(*map(np.asarray, (p["human_hi"], p["human_lo"])))
        for p in (preprocessing(ts.X, ts.y, ts.group) for ts in (near, far))
    ]
    # Both sides of the shifted feature's range reach SOURCE_MARGIN times the shift further;
    # the steady feature's barely moves.
    assert width[1][0] - width[0][0] > 2 * SOURCE_MARGIN * 2.5
    assert abs(width[1][1] - width[0][1]) < 1.0
