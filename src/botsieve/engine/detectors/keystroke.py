"""Keystroke dynamics: how keys go down and come up.

Hold times (key down to the same key up) and flight times (key down to next key down) of
people spread wide, overlap (the next key goes down before the last comes up), and include
corrections; scripts type with fixed or uniformly drawn delays and never roll over. Only key
classes and timings are read, never characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from botsieve.engine.arrays import (
    column,
    entropy,
    median,
    mode_share,
    robust_cv,
    share,
    touch_only,
)
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.types import Reason, SessionInput
from botsieve.engine.vocab import KEY_CLASSES

MIN_KEYS = 10
BURST_GAP_MS = 1500.0
# Most keys held for one and the same whole millisecond count: a timer holds keys so, a hand
# never does (people's holds spread over tens of ms even on a keyboard polled every 8 ms).
# Affirmative evidence on the keystroke line, not proof: hand-set log-odds.
TIMER_HOLD_SHARE = 0.8
TIMER_LOGIT = 3.0
NAN = float("nan")
_BACKSPACE = KEY_CLASSES.index("backspace")

FEATURES = (
    "key_hold_median",
    "key_hold_spread",
    "key_hold_entropy",
    "key_flight_median",
    "key_flight_spread",
    "key_flight_entropy",
    "key_same_interval_share",
    "key_rollover_share",
    "key_backspace_share",
    "key_fast_flight_share",
)


def key_holds(
    down_t: np.ndarray, down_id: np.ndarray, up_t: np.ndarray, up_id: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hold times (ms) and the index of their keydown, pairing each down with the next up of
    the same key identity; shapes ``(h,)``."""
    ids = np.concatenate((down_id, up_id))
    times = np.concatenate((down_t, up_t))
    kind = np.concatenate((np.zeros(down_t.size, np.int8), np.ones(up_t.size, np.int8)))
    src = np.concatenate((np.arange(down_t.size), np.full(up_t.size, -1)))
    order = np.lexsort((kind, times, ids))
    i, j = order[:-1], order[1:]
    pair = (kind[i] == 0) & (kind[j] == 1) & (ids[i] == ids[j])
    hold = times[j[pair]] - times[i[pair]]
    ok = (hold >= 0) & (hold < 2000)
    return hold[ok], src[i[pair]][ok]


def keystroke_features(
    down_t: np.ndarray,
    down_key: np.ndarray,
    down_pos: np.ndarray,
    down_repeat: np.ndarray,
    up_t: np.ndarray,
    up_key: np.ndarray,
    up_pos: np.ndarray,
) -> dict[str, float]:
    """Times in ms, shapes ``(d,)`` for keydowns and ``(u,)`` for keyups, sorted by time.
    ``pos`` of -1 means unknown; the key class stands in for it then. Returns ``FEATURES``
    and ``hold_mode_share`` (the share of holds on their most common value, for the timer
    rule)."""
    out = dict.fromkeys(FEATURES, NAN)
    out["hold_mode_share"] = NAN
    if down_t.size < MIN_KEYS:
        return out
    down_t, up_t = np.round(down_t), np.round(up_t)  # the whole-ms grid the model learned on
    if down_repeat.size == down_t.size:
        keep = ~down_repeat.astype(bool)
        down_t, down_key, down_pos = down_t[keep], down_key[keep], down_pos[keep]
    if down_t.size < MIN_KEYS:
        return out
    down_id = (
        np.where(down_pos >= 0, down_pos, 1000 + down_key) if down_pos.size else 1000 + down_key
    )
    up_id = (
        np.where(up_pos >= 0, up_pos, 1000 + up_key) if up_pos.size == up_t.size else 1000 + up_key
    )
    hold, hold_src = key_holds(down_t, down_id.astype(np.int64), up_t, up_id.astype(np.int64))
    if hold.size >= MIN_KEYS // 2:
        out["key_hold_median"] = median(hold)
        out["key_hold_spread"] = robust_cv(hold)
        out["key_hold_entropy"] = float(entropy(hold, 5.0) / np.log2(max(hold.size, 2)))
        # Rollover: the next key goes down before this one is released.
        release = np.full(down_t.size, np.inf)
        release[hold_src] = down_t[hold_src] + hold
        out["key_rollover_share"] = share(down_t[1:] < release[:-1])
        out["hold_mode_share"] = mode_share(hold) if hold.size >= MIN_KEYS else NAN
    flight = np.diff(down_t)
    flight = flight[flight < BURST_GAP_MS]
    if flight.size >= MIN_KEYS // 2:
        out["key_flight_median"] = median(flight)
        out["key_flight_spread"] = robust_cv(flight)
        out["key_flight_entropy"] = float(entropy(flight, 10.0) / np.log2(max(flight.size, 2)))
        out["key_fast_flight_share"] = share(flight < 25.0)
        out["key_same_interval_share"] = mode_share(np.concatenate((flight, hold)))
    out["key_backspace_share"] = share(down_key == _BACKSPACE)
    return out


class KeystrokeDetector:
    name = "keystroke"
    title = "Keystroke dynamics"
    learned = True
    feature_names = FEATURES
    sides: Mapping[str, int] = MappingProxyType(
        {
            "key_flight_median": -1,
            "key_backspace_share": -1,
            "key_rollover_share": -1,
        }
    )

    # What a feature far above / far below the typical person's value says, in words.
    describe: Mapping[str, tuple[str, str]] = MappingProxyType(
        {
            "key_hold_median": (
                "Keys are held unusually long.",
                "Keys are released almost at once.",
            ),
            "key_hold_spread": (
                "Key holds vary wildly.",
                "Every key is held for about the same time.",
            ),
            "key_hold_entropy": (
                "Key holds are spread unusually wide.",
                "Key holds take few distinct values.",
            ),
            "key_flight_median": (
                "Keys follow each other slowly.",
                "Keys follow each other too fast.",
            ),
            "key_flight_spread": (
                "Typing rhythm is unusually erratic.",
                "Typing rhythm is too even.",
            ),
            "key_flight_entropy": (
                "Intervals between keys are spread unusually wide.",
                "Intervals between keys take few distinct values.",
            ),
            "key_same_interval_share": (
                "Key timings repeat to the millisecond.",
                "Key timings never repeat.",
            ),
            "key_rollover_share": (
                "Keys overlap unusually often.",
                "No key ever overlaps the next, unlike fluent typists.",
            ),
            "key_backspace_share": (
                "Many corrections.",
                "No typing mistake is ever corrected.",
            ),
            "key_fast_flight_share": (
                "Keys follow each other faster than fingers can.",
                "No fast key pairs at all.",
            ),
        }
    )

    def extract(self, session: SessionInput) -> Evidence:
        if touch_only(session):
            return Evidence(features=dict.fromkeys(FEATURES, NAN), observed=False)
        f = keystroke_features(
            column(session, "keydown", "t"),
            column(session, "keydown", "key").astype(np.int64),
            column(session, "keydown", "pos").astype(np.int64),
            column(session, "keydown", "repeat"),
            column(session, "keyup", "t"),
            column(session, "keyup", "key").astype(np.int64),
            column(session, "keyup", "pos").astype(np.int64),
        )
        timed = f.pop("hold_mode_share")
        rule = TIMER_LOGIT if timed >= TIMER_HOLD_SHARE else 0.0
        reasons: list[Reason] = []
        if rule:
            reasons.append(
                Reason(
                    "timed_holds",
                    "Most keys were held for exactly the same time, as a timer holds them.",
                    round(timed, 3),
                )
            )
        if f["key_hold_spread"] < 0.08:
            reasons.append(
                Reason(
                    "uniform_holds",
                    "Every key is held for the same time.",
                    round(f["key_hold_spread"], 3),
                )
            )
        if f["key_same_interval_share"] > 0.3:
            reasons.append(
                Reason(
                    "repeated_intervals",
                    "Key timings repeat to the millisecond.",
                    round(f["key_same_interval_share"], 3),
                )
            )
        if f["key_rollover_share"] == 0.0:
            reasons.append(
                Reason("no_rollover", "No key ever overlaps the next, unlike fluent typists.", 0.0)
            )
        if f["key_fast_flight_share"] > 0.3:
            reasons.append(
                Reason(
                    "superhuman_typing",
                    "Keys follow each other faster than fingers can.",
                    round(f["key_fast_flight_share"], 3),
                )
            )
        return Evidence(
            features=f,
            reasons=tuple(reasons),
            rule_logit=rule,
            observed=bool(np.isfinite(f["key_flight_median"])),
        )
