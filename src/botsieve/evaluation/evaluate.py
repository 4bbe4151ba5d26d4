"""The evaluation: cross-validated by person, and with each bot family left out of training.

Figures per bot family (and all bots together): ROC AUC against all held-out people, the share
caught when 1% and 0.1% of people are flagged, the share caught and people flagged at the
threshold each fold's model ships with, and the share of the family's sessions not caught
that get "not enough evidence" rather than a human verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from botsieve.evaluation import openworld
from botsieve.evaluation.dataset import HUMAN_FAMILY, STRESS_FAMILIES
from botsieve.evaluation.fit import TrainingSet, score, train_model
from botsieve.evaluation.metrics import caught_at_fpr, roc_auc


@dataclass
class Scores:
    """Out-of-fold probabilities and flags for every session."""

    probability: np.ndarray
    flagged: np.ndarray
    thresholds: list[float] = field(default_factory=list)
    # The model that scored each fold, by fold number.
    specs: dict[int, dict[str, Any]] = field(default_factory=dict)


def cross_validate(ts: TrainingSet, train_mask: np.ndarray | None = None) -> Scores:
    """Score each fold with a model trained on the others (restricted to ``train_mask``)."""
    n = len(ts.y)
    allowed = np.ones(n, dtype=bool) if train_mask is None else train_mask
    prob = np.full(n, np.nan)
    flagged = np.zeros(n, dtype=bool)
    thresholds = []
    specs: dict[int, dict[str, Any]] = {}
    for k in np.unique(ts.fold):
        test = ts.fold == k
        spec = train_model(ts.subset(~test & allowed))
        p = score(spec, ts, test)
        prob[test] = p
        flagged[test] = p >= spec["threshold"]
        thresholds.append(float(spec["threshold"]))
        specs[int(k)] = spec
    return Scores(prob, flagged, thresholds, specs)


def _figures(
    human_p: np.ndarray,
    human_flag: np.ndarray,
    bot_p: np.ndarray,
    bot_flag: np.ndarray,
    bot_thin: np.ndarray | None = None,
) -> dict[str, float]:
    undecided = bot_thin & ~bot_flag if bot_thin is not None else np.zeros(bot_p.size, bool)
    return {
        "n": int(bot_p.size),
        "auc": roc_auc(human_p, bot_p),
        "caught_at_1pct": caught_at_fpr(human_p, bot_p, 0.01),
        "caught_at_0_1pct": caught_at_fpr(human_p, bot_p, 0.001),
        "caught_at_threshold": float(bot_flag.mean()) if bot_flag.size else float("nan"),
        "humans_flagged_at_threshold": float(human_flag.mean())
        if human_flag.size
        else float("nan"),
        "insufficient_evidence": float(undecided.mean()) if bot_p.size else float("nan"),
    }


def unseen_people(ts: TrainingSet, family: np.ndarray, source: np.ndarray) -> dict[str, Any]:
    """People of a kind never trained on: train without the webbot people (and without the
    corpus's web bots, recorded alongside them), then score both. Other people, other devices
    and another task: the closest this corpus comes to the sessions it has never seen."""
    held = (family == HUMAN_FAMILY) & (source == "webbot")
    if not held.any():
        return {}
    corpus_bots = np.isin(family, ("advanced_bot", "moderate_bot"))
    train = ~held & ~corpus_bots & ~np.isin(family, STRESS_FAMILIES)
    spec = train_model(ts.subset(train))
    out: dict[str, Any] = {"people": int(held.sum()), "threshold": float(spec["threshold"])}
    for name, mask in (
        ("webbot_people", held),
        *((f, family == f) for f in ("advanced_bot", "moderate_bot")),
    ):
        if mask.any():
            p = score(spec, ts, mask)
            out[name] = float((p >= spec["threshold"]).mean())
    return out


def evaluate(
    ts: TrainingSet,
    family: np.ndarray,
    leave_out: bool = True,
    source: np.ndarray | None = None,
    items: list[Any] | None = None,
) -> dict[str, Any]:
    human = family == HUMAN_FAMILY
    stress = np.isin(family, STRESS_FAMILIES)
    thin = ts.thin if ts.thin is not None else np.zeros(len(family), dtype=bool)
    main = cross_validate(ts, train_mask=~stress)
    families = sorted(
        f for f in np.unique(family) if f != HUMAN_FAMILY and f not in STRESS_FAMILIES
    )
    per_family = {
        f: _figures(
            main.probability[human],
            main.flagged[human],
            main.probability[family == f],
            main.flagged[family == f],
            thin[family == f],
        )
        for f in families
    }
    bots = ~human & ~stress
    overall = _figures(
        main.probability[human],
        main.flagged[human],
        main.probability[bots],
        main.flagged[bots],
        thin[bots],
    )
    result: dict[str, Any] = {
        "humans": int(human.sum()),
        "overall": overall,
        "families": per_family,
        "thresholds": main.thresholds,
        "curves": {"probability": main.probability.tolist(), "family": family.tolist()},
        "stress": {
            f: _figures(
                main.probability[human],
                main.flagged[human],
                main.probability[family == f],
                main.flagged[family == f],
            )
            for f in STRESS_FAMILIES
            if (family == f).any()
        },
    }
    if source is not None:
        result["people_flagged_by_source"] = {
            str(s): float(main.flagged[human & (source == s)].mean())
            for s in np.unique(source[human])
        }
        result["unseen_people"] = unseen_people(ts, family, source)
        result["sources"] = openworld.by_source(
            ts, family, source, main.probability, main.flagged, items
        )
    if items is not None:
        result["robustness"] = openworld.robustness(items, ts, family, main.specs, main.flagged)
    if leave_out:
        held: dict[str, dict[str, float]] = {}
        for f in families:
            scores = cross_validate(ts, train_mask=(family != f) & ~stress)
            held[f] = _figures(
                scores.probability[human],
                scores.flagged[human],
                scores.probability[family == f],
                scores.flagged[family == f],
                thin[family == f],
            )
        result["left_out"] = held
    return result
