"""Training the fusion model: logistic regression, Platt calibration and the threshold.

Pure numpy. ``train_model`` returns the artefact's JSON-ready dict (format
``botsieve-model/1``, read by ``botsieve.engine.load_model``). The threshold is chosen on
out-of-fold scores of people (split by person) so that at most ``TARGET_FPR`` of them would be
flagged, with a margin.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from botsieve.engine import fusion
from botsieve.engine.analyze import PROOF_PROBABILITY
from botsieve.engine.detectors import feature_sides
from botsieve.engine.model import FORMAT, Model, default_risk_edges

L2 = 10.0
TARGET_FPR = 0.003
# People of a source the model never saw: at most this share flagged (each source left out of
# the fit in turn while the threshold is chosen).
UNSEEN_SOURCE_FPR = 0.01
HUMAN_MARGIN = 0.5
FEATURE_CAP = 2.0
# People's range reaches this many times the largest gap between two human sources' typical
# values beyond the people seen (see ``source_shift``). The threshold is set for people of a
# source the model never saw; without this the features on which sources differ (a sampler's
# clock, a sensor's step noise) put a new source's people outside the range, and the
# threshold had to rise above most human-like bots to keep them safe. Chosen on the
# leave-one-family-out figures (1 to 8 tried; 3 best over the families, docs/detection.md).
SOURCE_MARGIN = 3.0
MIN_THRESHOLD = 0.5
# Below the probability proof lifts a session to, so proof always flags.
MAX_THRESHOLD = 0.99


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """The matrices here are small: BLAS threads only fight each other and every other
    process on the machine (a 10x slowdown on two busy cores). Uses threadpoolctl when it is
    installed (the dev extra), else changes nothing."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@dataclass(frozen=True)
class TrainingSet:
    """``X`` raw features ``(n, k)`` (``nan`` = not measured); ``y`` 1 for bots; ``weight``
    per session; ``fold`` per session (people of one person share a fold); ``rule_logit`` and
    ``proof`` are the hand-set rules' part of each verdict."""

    names: tuple[str, ...]
    X: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    fold: np.ndarray
    rule_logit: np.ndarray
    proof: np.ndarray
    # Rows to score when measuring (real typing); training always reads ``X``.
    X_eval: np.ndarray | None = None
    # Per detector (registry order) ``(n, d)``: the hand-set rules' log-odds; ``None`` puts
    # all of ``rule_logit`` on no detector in particular.
    rules: np.ndarray | None = None
    # Shared-device and shared-address log-odds ``(n,)`` (they only corroborate).
    shared: np.ndarray | None = None
    # Sessions too thin to judge (neither mouse nor keyboard measured) ``(n,)``.
    thin: np.ndarray | None = None
    # Where each session's behaviour comes from (a human source, or ``zoo``) ``(n,)``.
    group: np.ndarray | None = None

    def subset(self, mask: np.ndarray) -> TrainingSet:
        def part(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[mask]

        return TrainingSet(
            self.names,
            self.X[mask],
            self.y[mask],
            self.weight[mask],
            self.fold[mask],
            self.rule_logit[mask],
            self.proof[mask],
            part(self.X_eval),
            part(self.rules),
            part(self.shared),
            part(self.thin),
            part(self.group),
        )

    @property
    def scored(self) -> np.ndarray:
        return self.X if self.X_eval is None else self.X_eval


def source_shift(X: np.ndarray, y: np.ndarray, group: np.ndarray | None) -> np.ndarray:
    """Per feature, how far the typical person of one human source lies from the typical
    person of the others (the largest such distance, in the feature's units; 0 with fewer
    than two sources). A new source (another panel, another device) can differ as much again:
    this is how far people's range must reach beyond the people seen."""
    k = X.shape[1]
    if group is None:
        return np.zeros(k)
    human = y == 0
    sources = np.unique(group[human])
    if sources.size < 2:
        return np.zeros(k)
    shift = np.zeros(k)
    for src in sources.tolist():
        mine, rest = human & (group == src), human & (group != src)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a feature no one of a source has
            gap = np.abs(np.nanmedian(X[mine], axis=0) - np.nanmedian(X[rest], axis=0))
        shift = np.fmax(shift, np.where(np.isnan(gap), 0.0, gap))
    return shift


def preprocessing(
    X: np.ndarray, y: np.ndarray, group: np.ndarray | None = None
) -> dict[str, list[float]]:
    """Impute with the typical person; people's range is their 1st to 99th percentile,
    centred on their median, widened by how far human sources differ (``source_shift``);
    the scale is the spread of everyone (robust, with a floor)."""
    humans = X[y == 0]
    impute = np.nanmedian(humans, axis=0)
    impute = np.where(np.isnan(impute), 0.0, impute)
    filled = np.where(np.isnan(X), impute, X)
    center = np.median(filled[y == 0], axis=0)
    human_lo, human_hi = np.percentile(filled[y == 0], [1, 99], axis=0)
    q25, q75 = np.percentile(filled, [25, 75], axis=0)
    h25, h75 = np.percentile(filled[y == 0], [25, 75], axis=0)
    scale = np.maximum.reduce(
        [(q75 - q25) / 1.349, (h75 - h25) / 1.349, (human_hi - human_lo) / 4.0]
    )
    scale = np.maximum(scale, 1e-3)
    # A margin beyond the people seen, so the next person is not "outside" by a hair.
    margin = HUMAN_MARGIN * scale + SOURCE_MARGIN * source_shift(X, y, group)
    human_lo, human_hi = human_lo - margin, human_hi + margin
    return {
        "impute": impute.tolist(),
        "center": center.tolist(),
        "scale": scale.tolist(),
        "human_lo": human_lo.tolist(),
        "human_hi": human_hi.tolist(),
    }


def fit_logistic(
    Z: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2, nonneg: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Weighted L2-penalised logistic regression by Newton's method; returns (coef, intercept).

    Columns flagged in ``nonneg`` are kept at or above zero (active set: a column whose
    weight comes out negative is pinned to zero and the rest refitted).
    """
    free = np.ones(Z.shape[1], dtype=bool)
    full = np.zeros(Z.shape[1])
    intercept = 0.0
    for _ in range(Z.shape[1] + 1):
        coef, intercept = _newton(Z[:, free], y, w, l2)
        full = np.zeros(Z.shape[1])
        full[free] = coef
        if nonneg is None:
            break
        bad = free & nonneg & (full < 0)
        if not bad.any():
            break
        free &= ~bad
    return full, intercept


def _newton(Z: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    n, k = Z.shape
    A = np.column_stack([Z, np.ones(n)])
    beta = np.zeros(k + 1)
    penalty = np.r_[np.full(k, l2), 0.0]
    w = w / w.sum() * n
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ beta, -30, 30)))
        grad = A.T @ (w * (p - y)) + penalty * beta
        hess = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:k], float(beta[k])


def fit_platt(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    coef, b = fit_logistic(z[:, None], y, w, l2=1e-6)
    return float(coef[0]), b


def _spec(ts: TrainingSet, l2: float) -> dict[str, Any]:
    pre = preprocessing(ts.X, ts.y, ts.group)
    all_sides = feature_sides()
    sides = [all_sides.get(n, 0) for n in ts.names]
    spec: dict[str, Any] = {"format": FORMAT, "features": list(ts.names), "sides": sides, **pre}
    spec["coef"] = [0.0] * (2 * len(ts.names) + 1)
    Z = Model(spec).design(ts.X)
    k = len(ts.names)
    nonneg = np.r_[np.zeros(k, dtype=bool), np.ones(k + 1, dtype=bool)]
    coef, intercept = fit_logistic(Z, ts.y.astype(float), ts.weight, l2, nonneg)
    spec.update(
        coef=coef.tolist(),
        intercept=intercept,
        calibration={"a": 1.0, "b": 0.0},
        feature_cap=FEATURE_CAP,
    )
    return spec


def probabilities(
    spec: dict[str, Any],
    X: np.ndarray,
    rule_logit: np.ndarray,
    proof: np.ndarray,
    rules: np.ndarray | None = None,
    shared: np.ndarray | None = None,
    threshold: float | None = -1.0,
) -> np.ndarray:
    """What ``analyze`` would say for each row: model, rules, the two-lines rule (when the
    rules per detector are known), shared-device evidence, and proof. ``threshold`` -1 takes
    the spec's; None scores one-line sessions 0 (while choosing a threshold)."""
    model = Model(spec)
    if rules is None:
        z = model.logit(X) + rule_logit
    else:
        contrib = model.contributions(X)
        per_line = fusion.line_logits(
            contrib, fusion.feature_lines(model.features), rules, fusion.DETECTOR_NAMES
        )
        z = fusion.fuse(
            model.base_logit,
            per_line,
            np.zeros(len(X)) if shared is None else shared,
            proof,
            float(spec.get("threshold", MIN_THRESHOLD)) if threshold == -1.0 else threshold,
        )
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
    return np.where(proof, np.maximum(p, PROOF_PROBABILITY), p)


def score(spec: dict[str, Any], ts: TrainingSet, mask: np.ndarray | None = None) -> np.ndarray:
    """``probabilities`` for the rows of ``ts`` that are scored (``mask``: a subset)."""
    sub = ts if mask is None else ts.subset(mask)
    return probabilities(spec, sub.scored, sub.rule_logit, sub.proof, sub.rules, sub.shared)


def _unseen_source_cut(ts: TrainingSet, l2: float, a: float, b: float) -> float:
    """The cut that flags at most ``UNSEEN_SOURCE_FPR`` of each human source's people when that
    source is left out of the fit: people of a kind the model never saw are what the service
    meets, so the threshold is set for them, not only for new people of known kinds."""
    if ts.group is None:
        return 0.0
    human = ts.y == 0
    sources = np.unique(ts.group[human])
    if sources.size < 2:
        return 0.0
    cuts = []
    for src in sources.tolist():
        held = human & (ts.group == src)
        spec = _spec(ts.subset(~held), l2)
        spec["calibration"] = {"a": a, "b": b}
        sub = ts.subset(held)
        p = probabilities(
            spec, sub.X, sub.rule_logit, sub.proof, sub.rules, sub.shared, threshold=None
        )
        cuts.append(float(np.quantile(p, 1.0 - UNSEEN_SOURCE_FPR)))
    return max(cuts)


def train_model(ts: TrainingSet, l2: float = L2, inner_folds: int = 4) -> dict[str, Any]:
    """Fit on all of ``ts``; calibrate and set the threshold on inner out-of-fold scores."""
    folds = np.unique(ts.fold)
    groups = folds % inner_folds if folds.size > inner_folds else folds
    fold_group = dict(zip(folds.tolist(), groups.tolist(), strict=True))
    inner = np.array([fold_group[f] for f in ts.fold.tolist()])
    raw_oof = np.zeros(len(ts.y))
    inner_specs = []
    for g in np.unique(inner):
        test = inner == g
        spec = _spec(ts.subset(~test), l2)
        raw_oof[test] = Model(spec).logit(ts.X[test])
        inner_specs.append((test, spec))
    a, b = fit_platt(raw_oof, ts.y.astype(float), ts.weight)
    spec = _spec(ts, l2)
    spec["calibration"] = {"a": a, "b": b}
    human = ts.y == 0
    # The threshold is chosen on what could be flagged at all: inner out-of-fold scores,
    # calibrated, with one-line sessions out of reach (the two-lines rule holds them back).
    p_oof = np.zeros(len(ts.y))
    for test, inner_spec in inner_specs:
        inner_spec["calibration"] = {"a": a, "b": b}
        sub = ts.subset(test)
        p_oof[test] = probabilities(
            inner_spec, sub.X, sub.rule_logit, sub.proof, sub.rules, sub.shared, threshold=None
        )
    cut = float(np.quantile(p_oof[human], 1.0 - TARGET_FPR)) if human.any() else MIN_THRESHOLD
    cut = max(cut, _unseen_source_cut(ts, l2, a, b))
    threshold = float(min(max(cut + 1e-6, MIN_THRESHOLD), MAX_THRESHOLD))
    spec["threshold"] = threshold
    spec["risk_edges"] = list(default_risk_edges(threshold))
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    spec["version"] = f"lr1-{digest}"
    return spec
