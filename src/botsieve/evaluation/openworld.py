"""Open-world figures: each human source left out of training, calibration per source, and
benign habits applied to real people (none may flip a person).

A figure here counts only on people the scoring model never learned from: a source is scored
by a model trained without any of its people, and a person in the robustness suite by the
model of the fold that held them out. The habits are applied twice: to people whose source
was in training (by person: the fold model) and to people of a source the model never saw
(by source: the model trained without it), the harder case, since a habit on an unfamiliar
device or population is what a new install meets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from botsieve.evaluation import habits
from botsieve.evaluation.dataset import CORPUS_BOT_FAMILIES, HUMAN_FAMILY, Labelled, features
from botsieve.evaluation.fit import TrainingSet, score, train_model

ROBUSTNESS_PEOPLE = 70
# People per source given every habit under the model trained without their source.
HABIT_PEOPLE_PER_SOURCE = 30
ECE_BINS = 10


def expected_calibration_error(p: np.ndarray, y: np.ndarray) -> tuple[float, list[list[float]]]:
    """ECE with people and bots weighted equally (the even prior the model is calibrated for),
    and the reliability curve as (mean probability, bot share, weight) per bin."""
    w = np.where(y == 1, 0.5 / max(int(y.sum()), 1), 0.5 / max(int((y == 0).sum()), 1))
    edges = np.linspace(0, 1, ECE_BINS + 1)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, ECE_BINS - 1)
    ece, curve = 0.0, []
    for b in range(ECE_BINS):
        sel = which == b
        if not sel.any():
            continue
        weight = float(w[sel].sum())
        mean_p = float((p[sel] * w[sel]).sum() / weight)
        frac = float((y[sel] * w[sel]).sum() / weight)
        ece += weight * abs(mean_p - frac)
        curve.append([round(mean_p, 4), round(frac, 4), round(weight, 4)])
    return ece / max(float(w.sum()), 1e-12), curve


def by_source(
    ts: TrainingSet,
    family: np.ndarray,
    source: np.ndarray,
    probability: np.ndarray,
    flagged: np.ndarray,
    items: list[Labelled] | None = None,
    seed: int = 13,
) -> dict[str, Any]:
    """Per human source: people flagged when their source was in training (cross-validated by
    person) and when the whole source was left out; sessions the engine abstained on;
    calibration against all bots; and, given ``items``, every benign habit applied to people of
    the source under the model that never saw it. ``worst`` is the headline."""
    human = family == HUMAN_FAMILY
    bots = ~human
    thin = ts.thin if ts.thin is not None else np.zeros(len(family), dtype=bool)
    out: dict[str, Any] = {}
    for src in sorted(np.unique(source[human]).tolist()):
        people = human & (source == src)
        held = people.copy()
        if src == "webbot":
            # The corpus's web bots were recorded alongside these people: out with them.
            held |= np.isin(family, CORPUS_BOT_FAMILIES)
        spec = train_model(ts.subset(~held))
        p_out = score(spec, ts, people)
        out_flag = p_out >= spec["threshold"]
        mask = people | bots
        ece, curve = expected_calibration_error(probability[mask], ts.y[mask])
        out[src] = {
            "people": int(people.sum()),
            "flagged_in_training": float(flagged[people].mean()),
            "flagged_left_out": float(out_flag.mean()),
            "abstained": float((thin[people] & ~flagged[people]).mean()),
            "ece": ece,
            "reliability": curve,
        }
        if items is not None:
            unflagged = np.flatnonzero(people)[~out_flag]
            out[src]["habits_left_out"] = _habits_on_unseen_source(
                items, unflagged, spec, np.random.default_rng([seed, len(out)])
            )
    worst = max((max(v["flagged_in_training"], v["flagged_left_out"]), k) for k, v in out.items())
    out["worst"] = {"source": worst[1], "flagged": worst[0]}
    return out


def _habits_on_unseen_source(
    items: list[Labelled], candidates: np.ndarray, spec: dict[str, Any], rng: np.random.Generator
) -> dict[str, Any]:
    """Each habit applied to up to ``HABIT_PEOPLE_PER_SOURCE`` of ``candidates`` (people of
    one source the model ``spec`` never saw, none flagged as they were): who flips."""
    count = min(HABIT_PEOPLE_PER_SOURCE, candidates.size)
    pick = np.sort(rng.choice(candidates, count, replace=False)) if count else candidates
    flips: dict[str, int] = {}
    highest: dict[str, float] = {}
    for name, habit in habits.HABITS.items():
        changed = [
            habit(items[i].session, np.random.default_rng([int(rng.integers(1 << 31)), i]))
            for i in pick.tolist()
        ]
        p = _score_sessions(spec, changed)[0] if changed else np.zeros(0)
        flips[name] = int((p >= spec["threshold"]).sum())
        highest[name] = float(p.max()) if p.size else 0.0
    top = max(highest, key=lambda k: highest[k])
    return {
        "people": int(pick.size),
        "threshold": float(spec["threshold"]),
        "flipped": {k: v for k, v in flips.items() if v},
        "flipped_total": sum(flips.values()),
        "highest_probability": highest[top],
        "highest_habit": top,
    }


def _score_sessions(spec: dict[str, Any], sessions: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """``sessions`` scored by ``spec`` exactly as the evaluation scores its own rows, and which
    of them are too thin to judge."""
    items = [Labelled(s, HUMAN_FAMILY, "habit") for s in sessions]
    ts, _ = features(items, np.zeros(len(items), dtype=np.int64))
    thin = ts.thin if ts.thin is not None else np.zeros(len(items), dtype=bool)
    return score(spec, ts), thin


def robustness(
    items: list[Labelled],
    ts: TrainingSet,
    family: np.ndarray,
    specs: dict[int, dict[str, Any]],
    flagged: np.ndarray,
    people: int = ROBUSTNESS_PEOPLE,
    seed: int = 11,
) -> dict[str, Any]:
    """For each habit: how many of ``people`` real people (not flagged as they were) are
    flagged once the habit is applied, each scored by the model of the fold that held them
    out, and how many of the rest get "not enough evidence" (an honest answer, not a flip)."""
    rng = np.random.default_rng(seed)
    candidates = np.flatnonzero((family == HUMAN_FAMILY) & ~flagged)
    pick = np.sort(rng.choice(candidates, min(people, candidates.size), replace=False))
    out: dict[str, Any] = {}
    for name, habit in habits.HABITS.items():
        flips, undecided, lines_after = 0, 0, []
        by_fold: dict[int, list[Any]] = {}
        for i in pick.tolist():
            changed = habit(items[i].session, np.random.default_rng([seed, i]))
            by_fold.setdefault(int(ts.fold[i]), []).append(changed)
        for fold, sessions in by_fold.items():
            spec = specs[fold]
            p, thin = _score_sessions(spec, sessions)
            flagged_now = p >= spec["threshold"]
            flips += int(flagged_now.sum())
            undecided += int((thin & ~flagged_now).sum())
            lines_after.append(float(p.max()))
        out[name] = {
            "people": int(pick.size),
            "flipped": flips,
            "insufficient_evidence": undecided,
            "highest_probability": max(lines_after) if lines_after else 0.0,
        }
    out["flipped_total"] = sum(v["flipped"] for v in out.values() if isinstance(v, dict))
    return out
