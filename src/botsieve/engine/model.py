"""The fusion model: calibrated logistic regression over the detectors' features.

The artefact is plain JSON (``format`` ``botsieve-model/1``). Each feature is imputed when not
measured (``nan``), centred on the typical person and scaled, within the range people span.
Beside each scaled feature the model sees how far it lies outside that range
(``human_lo``..``human_hi``, on the side(s) ``sides`` names), and the sum of those distances,
whose weights may not be negative: a kind of bot no training set showed still lands outside
people's range somewhere, and the summed distance carries weight learned from every family.
The weighted sum is Platt-calibrated into a probability. Logistic regression keeps each
detector's share of the verdict exact (its features' terms add up), which is what the
per-detector scores report. See docs/detection.md for why.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

FORMAT = "botsieve-model/1"
DEFAULT_VERSION = "rules-only-0"
# With no trained model, only proof and hand-set rules speak, from this prior log-odds.
PRIOR_LOGIT = -3.0
# Distances outside people's range count up to this many scale units, so that one wild
# value cannot outvote everything else.
OUTSIDE_CAP = 4.0
# The typical person's log-odds are held at or above this: evidence is capped per feature and
# per line, so a base fitted ever lower on well-separated training data would put every bot
# out of reach (the caps would then decide, not the evidence).
BASE_FLOOR = -8.0


class Model:
    """A trained fusion model; built from the artefact's parsed JSON by ``load_model``."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.version = str(spec.get("version", DEFAULT_VERSION))
        self.threshold = float(spec.get("threshold", 0.5))
        names = spec.get("features", [])
        self.features: tuple[str, ...] = tuple(str(n) for n in names)
        k = len(self.features)

        def vec(key: str, default: float) -> np.ndarray:
            raw = spec.get(key)
            arr = np.full(k, default) if raw is None else np.asarray(raw, dtype=np.float64)
            if arr.shape != (k,):
                raise ValueError(f"model field {key!r} must have {k} numbers")
            return arr

        self.impute_ = vec("impute", 0.0)
        self.center_ = vec("center", 0.0)
        self.scale_ = vec("scale", 1.0)
        self.human_lo_ = vec("human_lo", -np.inf)
        self.human_hi_ = vec("human_hi", np.inf)
        # Which side of people's range is suspicious: -1 only below, +1 only above, 0 both.
        self.sides_ = vec("sides", 0.0)
        coef = np.asarray(spec.get("coef", np.zeros(2 * k + 1)), dtype=np.float64)
        if coef.shape != (2 * k + 1,):
            raise ValueError(f"model field 'coef' must have {2 * k + 1} numbers")
        self.coef_ = coef
        self.intercept_ = float(spec.get("intercept", 0.0))
        self.feature_cap_ = float(spec.get("feature_cap", math.inf))
        cal = spec.get("calibration", {"a": 1.0, "b": PRIOR_LOGIT if k == 0 else 0.0})
        self.cal_a_ = float(cal.get("a", 1.0))
        self.cal_b_ = float(cal.get("b", 0.0))
        edges = spec.get("risk_edges")
        self.risk_edges: tuple[float, float, float] = (
            tuple(float(e) for e in edges)  # type: ignore[assignment]
            if edges and len(edges) == 3
            else default_risk_edges(self.threshold)
        )

    def design(self, raw: np.ndarray) -> np.ndarray:
        """The model's inputs, shape ``(..., 2k + 1)``: scaled features, their distances
        outside people's range (in scale units), and the sum of those distances."""
        x = np.where(np.isnan(raw), self.impute_, raw)
        # Inside people's range the learned direction holds; beyond it only the (never
        # negative) distance speaks, so no feature can argue "too odd to be a bot".
        z = (np.clip(x, self.human_lo_, self.human_hi_) - self.center_) / self.scale_
        above = np.maximum(x - self.human_hi_, 0.0) * (self.sides_ >= 0)
        below = np.maximum(self.human_lo_ - x, 0.0) * (self.sides_ <= 0)
        outside = (above + below) / self.scale_
        outside = np.minimum(np.where(np.isfinite(outside), outside, 0.0), OUTSIDE_CAP)
        return np.concatenate([z, outside, outside.sum(axis=-1, keepdims=True)], axis=-1)

    def contributions(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated log-odds each feature adds, shape ``(..., k)`` (the summed distance's
        term is shared out over the features in proportion to their distances)."""
        k = len(self.features)
        d = self.design(raw)
        c = self.coef_
        own = d[..., :k] * c[:k] + d[..., k : 2 * k] * c[k : 2 * k]
        shared = d[..., k : 2 * k] * c[2 * k]
        # No single feature may decide: each is held to ``feature_cap`` calibrated log-odds
        # either way (after calibration, so the cap is what the verdict sees), and a verdict
        # needs several features from two detectors (``fusion``) or proof.
        return np.clip(self.cal_a_ * (own + shared), -self.feature_cap_, self.feature_cap_)

    @property
    def base_logit(self) -> float:
        """Calibrated log-odds of a session whose every feature is the typical human's."""
        return max(self.cal_a_ * self.intercept_ + self.cal_b_, BASE_FLOOR)

    def logit(self, raw: np.ndarray) -> np.ndarray:
        return self.base_logit + self.contributions(raw).sum(axis=-1)


def default_risk_edges(threshold: float) -> tuple[float, float, float]:
    """Low below half the threshold, medium below it, critical from the larger of 0.97 and it."""
    return (threshold / 2.0, threshold, max(0.97, threshold))


def load_model(spec: dict[str, Any]) -> Model:
    fmt = spec.get("format", FORMAT)
    if fmt != FORMAT:
        raise ValueError(f"unknown model format {fmt!r}")
    return Model(spec)


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
