"""Detection figures: ROC AUC, bots caught at a given share of people flagged."""

from __future__ import annotations

import numpy as np


def roc_auc(human: np.ndarray, bot: np.ndarray) -> float:
    """Probability that a random bot scores above a random person (ties count half)."""
    if human.size == 0 or bot.size == 0:
        return float("nan")
    scores = np.r_[human, bot]
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(scores.size)
    sorted_scores = scores[order]
    # Average ranks over ties.
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, counts)
    bot_ranks = ranks[human.size :].sum()
    return float((bot_ranks - bot.size * (bot.size + 1) / 2.0) / (human.size * bot.size))


def caught_at_fpr(human: np.ndarray, bot: np.ndarray, fpr: float) -> float:
    """Share of bots strictly above the score that flags at most ``fpr`` of people."""
    if human.size == 0 or bot.size == 0:
        return float("nan")
    allowed = int(np.floor(fpr * human.size))
    ranked = np.sort(human)[::-1]
    cut = ranked[allowed] if allowed < ranked.size else -np.inf
    return float((bot > cut).mean())


def roc_curve(human: np.ndarray, bot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(false positive rate, true positive rate) over every distinct threshold."""
    thresholds = np.unique(np.r_[human, bot, np.inf])[::-1]
    fpr = np.array([(human >= t).mean() for t in thresholds])
    tpr = np.array([(bot >= t).mean() for t in thresholds])
    return fpr, tpr
