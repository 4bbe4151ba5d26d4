"""Why the threshold sits where it does, and why a left-out bot family is missed.

Two questions every change to detection starts from, answered from the same training set the
evaluation uses (``botsieve diagnose``):

- **Who sets the threshold.** The shipped threshold is the higher of two cuts: people's
  out-of-fold tail, and each human source's tail when the whole source is left out of the fit
  (``fit._unseen_source_cut``). For each source left out: the cut it asks for, its highest
  people, their lines of evidence and the learned features that push them bot-ward.
- **What a missed bot shows.** For a bot family left out of training: the share caught, and for
  the sessions missed, each line's log-odds and how many lines clear ``fusion.LINE_LOGIT``
  (a miss with two strong lines is a threshold problem; a miss with one is the two-lines rule
  holding, by design).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from botsieve.engine import fusion
from botsieve.engine.model import Model
from botsieve.evaluation.evaluate import cross_validate
from botsieve.evaluation.fit import (
    L2,
    UNSEEN_SOURCE_FPR,
    TrainingSet,
    _spec,
    probabilities,
    train_model,
)

TOP_PEOPLE = 4
TOP_FEATURES = 4


def _lines(
    spec: dict[str, Any], sub: TrainingSet, X: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Model]:
    """Per-line log-odds ``(n, len(LINES))`` and per-feature contributions of the rows ``X``
    of ``sub``."""
    model = Model(spec)
    contrib = model.contributions(X)
    # A set without per-detector rules puts them on no detector: zeros per detector.
    rules = sub.rules if sub.rules is not None else np.zeros((len(X), len(fusion.DETECTOR_NAMES)))
    per_line = fusion.line_logits(
        contrib, fusion.feature_lines(model.features), rules, fusion.DETECTOR_NAMES
    )
    return per_line, contrib, model


def _round_lines(row: np.ndarray) -> dict[str, float]:
    return {name: round(float(v), 2) for name, v in zip(fusion.LINES, row, strict=True)}


def threshold_setters(ts: TrainingSet) -> dict[str, Any]:
    """The shipped threshold, and per human source left out: the cut it asks for and the
    people at its top, with their lines and strongest bot-ward features."""
    shipped = train_model(ts)
    calibration = shipped["calibration"]
    human = ts.y == 0
    out: dict[str, Any] = {"threshold": float(shipped["threshold"]), "sources": {}}
    if ts.group is None:
        return out
    for src in np.unique(ts.group[human]).tolist():
        held = human & (ts.group == src)
        spec = {**_spec(ts.subset(~held), L2), "calibration": calibration}
        sub = ts.subset(held)
        # As the cut is taken: training rows, one-line sessions out of reach.
        p = probabilities(
            spec, sub.X, sub.rule_logit, sub.proof, sub.rules, sub.shared, threshold=None
        )
        per_line, contrib, model = _lines(spec, sub, sub.X)
        top = []
        for i in np.argsort(-p)[:TOP_PEOPLE].tolist():
            strongest = np.argsort(-contrib[i])[:TOP_FEATURES].tolist()
            top.append(
                {
                    "probability": round(float(p[i]), 4),
                    "lines": _round_lines(per_line[i]),
                    "features": {
                        model.features[j]: round(float(contrib[i, j]), 2) for j in strongest
                    },
                }
            )
        out["sources"][str(src)] = {
            "people": int(held.sum()),
            "cut": float(np.quantile(p, 1.0 - UNSEEN_SOURCE_FPR)),
            "top": top,
        }
    return out


def missed_lines(ts: TrainingSet, family: np.ndarray, name: str) -> dict[str, Any]:
    """``name`` left out of training: share caught at each fold's threshold and, over the
    missed sessions, each line's median log-odds, the share of them where the line clears
    ``LINE_LOGIT``, and how many lines clear it."""
    scores = cross_validate(ts, train_mask=family != name)
    rows = np.flatnonzero(family == name)
    missed = rows[~scores.flagged[rows]]
    per_line = np.zeros((missed.size, len(fusion.LINES)))
    gap = np.zeros(missed.size)
    # Each fold's misses at once, under the model that scored that fold.
    for fold in np.unique(ts.fold[missed]).tolist():
        mine = ts.fold[missed] == fold
        spec = scores.specs[fold]
        sub = ts.subset(np.isin(np.arange(len(ts.y)), missed[mine]))
        per_line[mine] = _lines(spec, sub, sub.scored)[0]
        gap[mine] = spec["threshold"] - scores.probability[missed[mine]]
    strong = per_line >= fusion.LINE_LOGIT
    return {
        "family": name,
        "sessions": int(rows.size),
        "caught": float(scores.flagged[rows].mean()) if rows.size else float("nan"),
        "missed": int(missed.size),
        "median_line_logit": _round_lines(np.median(per_line, axis=0)) if missed.size else {},
        "line_clears_share": _round_lines(strong.mean(axis=0)) if missed.size else {},
        "lines_cleared": np.bincount(strong.sum(axis=1), minlength=len(fusion.LINES)).tolist(),
        "median_probability_short_of_threshold": float(np.median(gap)) if missed.size else 0.0,
    }


def lines_text(result: dict[str, Any]) -> list[str]:
    """``threshold_setters`` and ``missed_lines`` results as readable lines."""
    out = []
    if "threshold" in result:
        out.append(f"shipped threshold {result['threshold']:.4f}")
        for src, v in result["sources"].items():
            out.append(f"source {src} left out ({v['people']} people): asks for {v['cut']:.4f}")
            for person in v["top"]:
                out.append(f"  p {person['probability']:.4f} lines {person['lines']}")
                out.append(f"    bot-ward features {person['features']}")
    if "family" in result:
        out.append(
            f"family {result['family']} left out: caught {result['caught']:.1%} of "
            f"{result['sessions']}; {result['missed']} missed, median "
            f"{result['median_probability_short_of_threshold']:.3f} short of the threshold"
        )
        if result["missed"]:
            out.append(f"  median line log-odds of the missed {result['median_line_logit']}")
            out.append(f"  share of the missed where a line clears {result['line_clears_share']}")
            out.append(f"  missed by lines cleared (0, 1, 2, ...): {result['lines_cleared']}")
    return out
