"""Words for researchers: the risk level, the one-or-two-sentence summary, quality flags.

Quality flags describe careless answering (speeding, no interaction, long absences); they are
reported beside the bot probability and never change it, because careless people are people.
"""

from __future__ import annotations

import math

import numpy as np

from botsieve.engine.arrays import column
from botsieve.engine.types import MethodScore, SessionInput
from botsieve.engine.vocab import RISK_LEVELS, VISIBILITY_STATES

SPEEDING_S_PER_PAGE = 2.0
_INTERACTION_TYPES = ("mousemove", "click", "keydown", "touchstart", "wheel", "scroll", "input")


def risk_level(probability: float, edges: tuple[float, float, float]) -> str:
    """``low`` < edges[0] <= ``medium`` < edges[1] <= ``high`` < edges[2] <= ``critical``."""
    return RISK_LEVELS[int(np.searchsorted(np.asarray(edges), probability, side="right"))]


def quality_flags(
    session: SessionInput, median_page_s: float, page_count: float
) -> tuple[str, ...]:
    flags: list[str] = []
    interactions = sum(column(session, k, "t").size for k in _INTERACTION_TYPES)
    if interactions == 0:
        flags.append("no_interaction")
    if page_count >= 3 and math.isfinite(median_page_s) and median_page_s < SPEEDING_S_PER_PAGE:
        flags.append("speeding")
    vis_t = column(session, "visibilitychange", "t")
    state = column(session, "visibilitychange", "state").astype(np.int64)
    if vis_t.size:
        hidden = state == VISIBILITY_STATES.index("hidden")
        # Time from each "hidden" to the following change (or the last event seen).
        ends = np.r_[vis_t[1:], vis_t[-1]]
        away = float((ends - vis_t)[hidden].sum())
        span = max(float(vis_t[-1] - vis_t[0]), 1.0)
        if away > 60_000 or away / span > 0.5:
            flags.append("long_absence")
    pasted = column(session, "paste", "t").size
    if pasted:
        flags.append("pasted_text")
    return tuple(flags)


def summarise(
    probability: float,
    is_bot: bool,
    scores: dict[str, MethodScore],
    titles: dict[str, str],
    proof: bool,
) -> str:
    """One or two sentences: the verdict, then the strongest evidence by name."""
    ranked = sorted(
        ((m.weight, name) for name, m in scores.items() if m.reasons and m.score >= 0.5),
        reverse=True,
    )
    top = [name for _, name in ranked[:2]]
    pct = f"{probability:.0%}"
    if proof:
        head = f"Automation proven (bot probability {pct})."
    elif is_bot:
        head = f"Likely a bot (bot probability {pct})."
    else:
        head = f"Behaves like a person (bot probability {pct})."
    if not top:
        return head
    texts = []
    for name in top:
        first = scores[name].reasons[0]
        texts.append(f"{titles.get(name, name).lower()}: {first.text[0].lower()}{first.text[1:]}")
    lead = "Strongest evidence" if is_bot or proof else "Some bot-like signs"
    return f"{head} {lead} from " + "; ".join(t.rstrip(".") for t in texts) + "."
