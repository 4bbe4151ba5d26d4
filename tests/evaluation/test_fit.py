from __future__ import annotations

import numpy as np

from botsieve.engine import load_model
from botsieve.evaluation.fit import TrainingSet, fit_logistic, probabilities, train_model

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
