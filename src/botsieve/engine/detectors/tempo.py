"""Page tempo: when things happen over the survey.

People take a while to start, spend uneven time on pages, and pause in bursts of very
different lengths; agents pause for uniform stretches (one model call per step) and start at
once. Focus, visibility and scrolling are read here too. The engine is not told each page's
reading load, so time per page is compared across the session's own pages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from botsieve.engine.arrays import column, cv, median
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.types import Reason, SessionInput
from botsieve.engine.vocab import PAGE_PHASES, VISIBILITY_STATES

NAN = float("nan")
ACTION_TYPES = ("mousedown", "click", "keydown", "touchstart", "wheel", "input")
IDLE_MS = 1000.0
_SHOWN = PAGE_PHASES.index("shown")
_SUBMITTED = PAGE_PHASES.index("submitted")
_HIDDEN = VISIBILITY_STATES.index("hidden")

FEATURES = (
    "tempo_first_action_log_s",
    "tempo_idle_gap_cv",
    "tempo_page_time_cv",
)


def page_durations(t: np.ndarray, phase: np.ndarray, mark: np.ndarray) -> np.ndarray:
    """Seconds from each page's ``shown`` to its next ``submitted`` mark; shape ``(p,)``."""
    shown = np.flatnonzero(phase == _SHOWN)
    done = np.flatnonzero(phase == _SUBMITTED)
    if shown.size == 0 or done.size == 0:
        return np.zeros(0)
    nxt = np.searchsorted(done, shown)
    ok = nxt < done.size
    s, d = shown[ok], done[nxt[ok]]
    same = mark[s] == mark[d]
    return (t[d[same]] - t[s[same]]) / 1000.0


class TempoDetector:
    name = "tempo"
    title = "Page tempo"
    learned = True
    feature_names = FEATURES
    sides: Mapping[str, int] = MappingProxyType(
        {
            "tempo_first_action_log_s": -1,
            "tempo_idle_gap_cv": -1,
            "tempo_page_time_cv": -1,
        }
    )

    # What a feature far above / far below the typical person's value says, in words.
    describe: Mapping[str, tuple[str, str]] = MappingProxyType(
        {
            "tempo_first_action_log_s": (
                "The first action came late.",
                "The first action came at once.",
            ),
            "tempo_idle_gap_cv": (
                "Pauses vary widely.",
                "Pauses last nearly the same time, like an agent's model calls.",
            ),
            "tempo_page_time_cv": (
                "Time per page varies widely.",
                "Every page takes about the same time.",
            ),
        }
    )

    def extract(self, session: SessionInput) -> Evidence:
        times = [column(session, k, "t") for k in ACTION_TYPES]
        # Each input is sorted already: a stable sort merges sorted runs in linear time.
        actions = np.sort(np.concatenate(times), kind="stable") if times else np.zeros(0)
        move_t = column(session, "mousemove", "t")
        page_t = column(session, "page", "t")
        start = float(page_t[0]) if page_t.size else 0.0
        f = dict.fromkeys(FEATURES, NAN)
        if actions.size:
            first = max(float(actions[0]) - start, 0.0) / 1000.0
            f["tempo_first_action_log_s"] = math.log1p(first)
        # Idle gaps between any two interactions (moves included).
        everything = np.sort(np.concatenate((actions, move_t)), kind="stable")
        gaps = np.diff(everything)
        idle = gaps[gaps > IDLE_MS]
        span = float(everything[-1] - everything[0]) if everything.size > 1 else 0.0
        if idle.size >= 4:
            f["tempo_idle_gap_cv"] = cv(idle)
        idle_share = float(idle.sum() / span) if span > 10_000 else NAN
        durations = page_durations(
            page_t,
            column(session, "page", "phase").astype(np.int64),
            column(session, "page", "mark").astype(np.int64),
        )
        if durations.size >= 3:
            f["tempo_page_time_cv"] = cv(durations)

        reasons: list[Reason] = []
        if f["tempo_idle_gap_cv"] < 0.3:
            reasons.append(
                Reason(
                    "uniform_pauses",
                    "Pauses last nearly the same time, like an agent's model calls.",
                    round(f["tempo_idle_gap_cv"], 3),
                )
            )
        if f["tempo_first_action_log_s"] < math.log1p(0.3):
            reasons.append(
                Reason("instant_start", "The first action came at once.", round(first, 3))
            )
        # Only the page being hidden counts as leaving it: a field losing focus does not.
        state = column(session, "visibilitychange", "state").astype(np.int64)
        left = int((state == _HIDDEN).sum())
        if left:
            reasons.append(
                Reason(
                    "left_page",
                    "The page was hidden (another tab or window) this many times; shown for "
                    "context, not scored.",
                    left,
                )
            )
        scrolls = column(session, "scroll", "t").size
        if scrolls >= 5 and not (
            column(session, "wheel", "t").size
            or column(session, "touchmove", "t").size
            or column(session, "keydown", "t").size
            or column(session, "mousedown", "t").size
        ):
            reasons.append(
                Reason(
                    "scroll_without_input",
                    "The page scrolled with no wheel, touch or key.",
                    scrolls,
                )
            )
        pages = median(durations, NAN)
        return Evidence(
            features=f,
            reasons=tuple(reasons),
            observed=actions.size > 0,
            extra={
                "median_page_s": pages,
                "page_count": float(durations.size),
                "idle_share": idle_share,
            },
        )
