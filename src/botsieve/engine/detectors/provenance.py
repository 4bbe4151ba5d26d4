"""Event provenance: were these events made by a hand on a device?

Untrusted (script-dispatched) events are proof. The rest are learned features: clicks that no
movement led to, clicks at the exact centre of their target, clicks without a button press,
text that arrived without keys, impossible orderings, timestamps on a perfect grid and event
rates no hand can make.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from botsieve.engine.arrays import column, median, share, touch_only
from botsieve.engine.arrays import mode_share as mode_share_of
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.types import Reason, SessionInput
from botsieve.engine.vocab import INPUT_TYPES, KEY_CLASSES

# Composition (IMEs) and replacement (autocorrect, spelling fixes) legitimately insert text
# without one key per character, so they are not counted as keyless text.
_INSERT_CODES = np.array(
    [
        INPUT_TYPES.index(k)
        for k in ("insertText", "insertFromPaste", "insertFromDrop", "insertLineBreak")
    ],
    dtype=np.int64,
)
_PASTE_CODES = np.array(
    [INPUT_TYPES.index("insertFromPaste"), INPUT_TYPES.index("insertFromDrop")], dtype=np.int64
)
# Hand-set log-odds per share of clicks that nothing could have caused (see docs/detection.md).
ORPHAN_CLICK_LOGIT = 6.0
_TYPING_KEYS = np.array(
    [KEY_CLASSES.index(k) for k in ("letter", "digit", "space", "enter", "other")], dtype=np.int64
)


def _has_before(times: np.ndarray, before: np.ndarray, window_ms: float) -> np.ndarray:
    """For each of ``times`` (sorted), whether some of ``before`` (sorted) lies in the window."""
    if times.size == 0:
        return np.zeros(0, dtype=bool)
    if before.size == 0:
        return np.zeros(times.size, dtype=bool)
    idx = np.searchsorted(before, times, side="right") - 1
    ok = idx >= 0
    last = before[np.clip(idx, 0, None)]
    return ok & (times - last <= window_ms)


class ProvenanceDetector:
    name = "provenance"
    title = "Event provenance"
    learned = True
    feature_names = (
        "prov_click_no_move_share",
        "prov_click_center_share",
        "prov_click_no_press_share",
        "prov_text_without_keys",
        "prov_paste_share",
        "prov_fast_move_share",
        "prov_impossible_order_share",
    )
    sides: Mapping[str, int] = MappingProxyType(dict.fromkeys(feature_names, 1))

    # What a feature far above / far below the typical person's value says, in words.
    describe: Mapping[str, tuple[str, str]] = MappingProxyType(
        {
            "prov_click_no_move_share": (
                "Clicks came with no movement before them.",
                "Every click followed movement.",
            ),
            "prov_click_center_share": (
                "Clicks land on the exact centre of their targets.",
                "Clicks land off-centre, as hands do.",
            ),
            "prov_click_no_press_share": (
                "Clicks came without a button press.",
                "Every click had its button press.",
            ),
            "prov_text_without_keys": (
                "Text arrived without key presses.",
                "Text came from key presses.",
            ),
            "prov_paste_share": (
                "Answers were pasted in.",
                "Nothing was pasted.",
            ),
            "prov_fast_move_share": (
                "Pointer events come faster than a screen refreshes.",
                "Pointer events come at screen pace.",
            ),
            "prov_impossible_order_share": (
                "Releases came without presses.",
                "Presses and releases pair up.",
            ),
        }
    )

    def extract(self, session: SessionInput) -> Evidence:
        proof: list[Reason] = []
        untrusted = 0
        total = 0
        for cols in session.events.values():
            trusted = cols.get("trusted")
            if trusted is not None and len(trusted):
                untrusted += int((~np.asarray(trusted, dtype=bool)).sum())
                total += len(trusted)
        if untrusted:
            proof.append(
                Reason("untrusted_events", "Events were synthesised by script.", untrusted)
            )

        move_t = column(session, "mousemove", "t")
        click_t = column(session, "click", "t")
        touch_t = column(session, "touchend", "t")
        down_t = column(session, "mousedown", "t")
        led = _has_before(click_t, move_t, 1000.0) | _has_before(click_t, touch_t, 1000.0)
        click_no_move = share(~led)
        # Keyboard users click with Enter or Space, so a key press also explains a click.
        keyed = _has_before(click_t, column(session, "keydown", "t"), 1000.0)
        orphan = share(~(led | keyed))
        rule = ORPHAN_CLICK_LOGIT * orphan if click_t.size >= 3 and orphan >= 0.5 else 0.0
        dx, dy = column(session, "click", "dx"), column(session, "click", "dy")
        known = np.isfinite(dx) & np.isfinite(dy) if dx.size else np.zeros(0, dtype=bool)
        centre = share((np.abs(dx[known]) <= 0.5) & (np.abs(dy[known]) <= 0.5))
        pressed = _has_before(click_t, down_t, 2000.0) | _has_before(click_t, touch_t, 1000.0)
        no_press = share(~pressed) if down_t.size or touch_t.size else 0.0

        itype = column(session, "input", "input_type").astype(np.int64)
        delta = column(session, "input", "delta").astype(np.float64)
        inserted_mask = np.isin(itype, _INSERT_CODES) & (delta > 0)
        inserted = float(delta[inserted_mask].sum()) if delta.size else 0.0
        pasted = (
            float(delta[np.isin(itype, _PASTE_CODES) & (delta > 0)].sum()) if delta.size else 0.0
        )
        key_codes = column(session, "keydown", "key").astype(np.int64)
        typed = float(np.isin(key_codes, _TYPING_KEYS).sum())
        text_without_keys = max(0.0, (inserted - typed) / inserted) if inserted > 0 else 0.0
        if touch_only(session):
            text_without_keys = 0.0
        paste_share = pasted / inserted if inserted > 0 else 0.0

        dt = np.diff(move_t)
        fast = share(dt < 3.0)
        mode_share = 0.0
        if dt.size >= 10:
            # Whole ms, so a finer collector clock cannot make people look gridded or not.
            mode_share = mode_share_of(dt)

        up_t = column(session, "mouseup", "t")
        keyup_n, keydown_n = len(column(session, "keyup", "t")), len(key_codes)
        impossible = 0
        if up_t.size and down_t.size:
            impossible += int((~_has_before(up_t, down_t, 60000.0)).sum())
        impossible += max(0, keyup_n - keydown_n)
        events_considered = up_t.size + keyup_n
        impossible_share = impossible / events_considered if events_considered else 0.0

        features = {
            "prov_click_no_move_share": click_no_move,
            "prov_click_center_share": centre,
            "prov_click_no_press_share": no_press,
            "prov_text_without_keys": text_without_keys,
            "prov_paste_share": paste_share,
            "prov_fast_move_share": fast,
            "prov_impossible_order_share": impossible_share,
        }
        reasons = list(proof)
        if click_t.size and click_no_move > 0.5:
            reasons.append(
                Reason(
                    "clicks_without_movement",
                    "Most clicks had no movement before them.",
                    round(click_no_move, 3),
                )
            )
        if known.any() and centre > 0.3:
            reasons.append(
                Reason(
                    "clicks_at_centre",
                    "Clicks land on the exact centre of their targets.",
                    round(centre, 3),
                )
            )
        if inserted >= 5 and text_without_keys > 0.5:
            reasons.append(
                Reason(
                    "text_without_keys",
                    "Text arrived without key presses.",
                    round(text_without_keys, 3),
                )
            )
        if mode_share > 0.97 and median(dt) >= 9.0:
            # Not scored: 144 Hz displays tick as evenly; shown to explain other evidence.
            reasons.append(
                Reason(
                    "timestamp_grid",
                    "Pointer events arrive on an exact timer grid.",
                    round(mode_share, 3),
                )
            )
        if dt.size >= 10 and fast > 0.2:
            reasons.append(
                Reason(
                    "fast_moves",
                    "Pointer events come faster than a screen refreshes.",
                    round(fast, 3),
                )
            )
        if impossible:
            reasons.append(
                Reason(
                    "impossible_order", "Releases without presses: an impossible order.", impossible
                )
            )
        return Evidence(
            features=features,
            reasons=tuple(reasons),
            proof=tuple(proof),
            rule_logit=rule,
            observed=total > 0,
        )
