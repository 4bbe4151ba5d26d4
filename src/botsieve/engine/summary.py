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
    away, span = time_away(session)
    if away > 60_000 or (span > 0 and away / span > 0.5):
        flags.append("long_absence")
    pasted = column(session, "paste", "t").size
    if pasted:
        flags.append("pasted_text")
    return tuple(flags)


def time_away(session: SessionInput) -> tuple[float, float]:
    """(ms the page was hidden, ms the session spans). A hidden page ends at the next
    visibility change or the next thing the respondent did, whichever comes first: a survey
    page that unloads is hidden for good, and the next page's first move says they are back."""
    vis_t = column(session, "visibilitychange", "t")
    if vis_t.size == 0:
        return 0.0, 0.0
    state = column(session, "visibilitychange", "state").astype(np.int64)
    acts = [column(session, k, "t") for k in _INTERACTION_TYPES]
    act_t = np.sort(np.concatenate(acts)) if acts else np.zeros(0)
    hidden_at = vis_t[state == VISIBILITY_STATES.index("hidden")]
    next_change = vis_t[np.minimum(np.searchsorted(vis_t, hidden_at, side="right"), vis_t.size - 1)]
    next_change = np.where(next_change > hidden_at, next_change, np.inf)
    if act_t.size:
        idx = np.searchsorted(act_t, hidden_at, side="right")
        next_act = np.where(idx < act_t.size, act_t[np.minimum(idx, act_t.size - 1)], np.inf)
    else:
        next_act = np.full(hidden_at.size, np.inf)
    ends = np.minimum(next_change, next_act)
    away = float(np.where(np.isfinite(ends), ends - hidden_at, 0.0).sum())
    every = np.concatenate((vis_t, act_t))
    return away, float(every.max() - every.min())


def summarise(
    probability: float,
    verdict: str,
    scores: dict[str, MethodScore],
    titles: dict[str, str],
    proof: bool,
    *,
    threshold: float = 0.5,
    leaning: frozenset[str] = frozenset(),
    one_line: bool = False,
    pointer_set: bool = False,
) -> str:
    """One or two sentences: the verdict, then the strongest evidence by name (``leaning``
    names the detectors that leaned bot-ward; ``pointer_set``: a tool set the pointer on its
    targets, which is why there is too little to judge)."""
    is_bot = verdict == "bot"
    ranked = sorted(
        ((m.weight, name) for name, m in scores.items() if m.reasons and name in leaning),
        reverse=True,
    )
    top = [name for _, name in ranked[:2]]
    pct = f"{probability:.0%}"
    if proof:
        head = f"Automation proven (bot probability {pct})."
    elif is_bot:
        head = f"Likely a bot (bot probability {pct})."
    elif verdict == "insufficient_evidence" and pointer_set:
        head = (
            "Not enough evidence to judge: the pointer was set on its targets, so there was "
            "no movement to measure, and typing alone cannot tell a person from a tool."
        )
    elif verdict == "insufficient_evidence":
        head = "Not enough evidence to judge: too little movement and typing was recorded."
    elif one_line:
        head = (
            f"Only one kind of evidence leans bot-ward (bot probability {pct}); "
            "a bot verdict needs two."
        )
    elif probability >= threshold / 2:
        head = f"Leans bot-ward, below the bot threshold (bot probability {pct})."
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
