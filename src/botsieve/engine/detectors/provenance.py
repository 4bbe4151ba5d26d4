"""Event provenance: were these events made by a hand on a device?

Untrusted (script-dispatched) events are proof. The rest are learned features: clicks that no
movement led to, clicks at the exact centre of their target, clicks without a button press,
text that arrived without keys, impossible orderings, timestamps on a perfect grid and event
rates no hand can make.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from botsieve.engine.arrays import code_table, column, in_codes, median, share, touch_only
from botsieve.engine.arrays import mode_share as mode_share_of
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.types import Reason, SessionInput
from botsieve.engine.vocab import INPUT_TYPES, KEY_CLASSES

# Composition (IMEs) and replacement (autocorrect, spelling fixes) legitimately insert text
# without one key per character, so they are not counted as keyless text.
_INSERT_CODES = code_table(
    (
        INPUT_TYPES.index(k)
        for k in ("insertText", "insertFromPaste", "insertFromDrop", "insertLineBreak")
    ),
    len(INPUT_TYPES),
)
_PASTE_CODES = code_table(
    (INPUT_TYPES.index("insertFromPaste"), INPUT_TYPES.index("insertFromDrop")), len(INPUT_TYPES)
)
# Hand-set log-odds per share of clicks that nothing could have caused (see docs/detection.md).
ORPHAN_CLICK_LOGIT = 6.0
# Rare events among few clicks: shares are shrunk towards people's rate with this many
# pseudo-clicks, so one click on a radio's centre among five is not "20% at the centre".
PSEUDO_CLICKS = 10.0
CENTRE_RATE = 0.02
# Pasted or keyless text is what people do too (a copied e-mail, dictation, autofill): it only
# counts in context, and then weakly (measured on the robustness suite, docs/detection.md).
PASTE_AFTER_RETURN_LOGIT = 1.0
PASTE_CONTEXT_MS = 3000.0
LONG_PASTE_CHARS = 40
KEYLESS_SESSION_LOGIT = 1.5
# A click is reached by a jump with at most two moves this long before it (ms), from this
# far away or further (px): see ``jump_share``.
JUMP_WINDOW_MS = 1500.0
JUMP_PX = 40.0
REST_PX = 5.0
_TYPING_KEYS = code_table(
    (KEY_CLASSES.index(k) for k in ("letter", "digit", "space", "enter", "other")),
    len(KEY_CLASSES),
)


def has_before(times: np.ndarray, before: np.ndarray, window_ms: float) -> np.ndarray:
    """For each of ``times`` (sorted), whether some of ``before`` (sorted) lies in the window."""
    if times.size == 0:
        return np.zeros(0, dtype=bool)
    if before.size == 0:
        return np.zeros(times.size, dtype=bool)
    idx = np.searchsorted(before, times, side="right") - 1
    ok = idx >= 0
    last = before[np.clip(idx, 0, None)]
    return ok & (times - last <= window_ms)


class Pointer(NamedTuple):
    """Clicks and moves of one session: times (ms) and positions (CSS px), sorted by time."""

    click_t: np.ndarray
    click_x: np.ndarray
    click_y: np.ndarray
    move_t: np.ndarray
    move_x: np.ndarray
    move_y: np.ndarray


def pointer_of(session: SessionInput) -> Pointer:
    return Pointer(
        column(session, "click", "t"),
        column(session, "click", "x"),
        column(session, "click", "y"),
        column(session, "mousemove", "t"),
        column(session, "mousemove", "x"),
        column(session, "mousemove", "y"),
    )


def centre_offsets(session: SessionInput) -> tuple[np.ndarray, np.ndarray]:
    """Which clicks have a known offset from their target's centre ``(c,)``, and of those,
    which landed on it (within half a pixel)."""
    dx, dy = column(session, "click", "dx"), column(session, "click", "dy")
    known = np.isfinite(dx) & np.isfinite(dy) if dx.size else np.zeros(0, dtype=bool)
    return known, (np.abs(dx[known]) <= 0.5) & (np.abs(dy[known]) <= 0.5)


def centre_share(at_centre: np.ndarray) -> float:
    """Share of clicks on the exact centre, shrunk towards people's rate (see
    ``PSEUDO_CLICKS``)."""
    return float((at_centre.sum() + PSEUDO_CLICKS * CENTRE_RATE) / (at_centre.size + PSEUDO_CLICKS))


def jump_share(p: Pointer) -> float:
    """Share of clicks the pointer reached by a jump: at most two moves in the
    ``JUMP_WINDOW_MS`` before the click, and the pointer was ``JUMP_PX`` or more away before
    them. A hand on a mouse or trackpad sends moves all the way; a script that sets the
    pointer's position does not. ``nan`` with fewer than three clicks or no moves at all."""
    click_t, click_x, click_y, move_t, move_x, move_y = p
    if click_t.size < 3 or move_t.size == 0:
        return float("nan")
    lo = np.searchsorted(move_t, click_t - JUMP_WINDOW_MS, side="left")
    hi = np.searchsorted(move_t, click_t, side="right")
    few_moves = (hi > lo) & (hi - lo <= 2)
    # Where the pointer was before those moves: the move before the window, else the
    # previous click; the first click with no move before its window has no "before".
    moved_before = lo > 0
    before = np.maximum(lo - 1, 0)
    prev_x = np.concatenate(([np.nan], click_x[:-1]))
    prev_y = np.concatenate(([np.nan], click_y[:-1]))
    from_x = np.where(moved_before, move_x[before], prev_x)
    from_y = np.where(moved_before, move_y[before], prev_y)
    far = np.hypot(click_x - from_x, click_y - from_y) >= JUMP_PX
    return float((few_moves & far).mean())


def _clicks_where_pointer_rests(p: Pointer) -> np.ndarray:
    """For each click, whether it came where the pointer last was (within ``REST_PX``): a
    still hand explains it; a script clicking an element the pointer never reached does not."""
    click_t, click_x, click_y, move_t, move_x, move_y = p
    if click_t.size == 0 or move_t.size == 0 or click_x.size != click_t.size:
        return np.zeros(click_t.size, dtype=bool)
    idx = np.searchsorted(move_t, click_t, side="right") - 1
    known = idx >= 0
    last = np.clip(idx, 0, None)
    near = np.hypot(click_x - move_x[last], click_y - move_y[last]) <= REST_PX
    return known & near


def _text_context_logit(
    session: SessionInput, itype: np.ndarray, delta: np.ndarray, typed: float
) -> float:
    """Pasted or keyless text in a context that says something: a long paste right after the
    respondent came back to the page (an answer fetched elsewhere), or every answer of a
    session arriving without a single key press."""
    if delta.size == 0:
        return 0.0
    input_t = column(session, "input", "t")
    long_paste = in_codes(itype, _PASTE_CODES) & (delta >= LONG_PASTE_CHARS)
    vis_t = column(session, "visibilitychange", "t")
    vis_state = column(session, "visibilitychange", "state").astype(np.int64)
    returned = vis_t[vis_state == 0]
    logit = 0.0
    if long_paste.any() and returned.size:
        after = has_before(input_t[long_paste], returned, PASTE_CONTEXT_MS)
        logit += min(2.0, PASTE_AFTER_RETURN_LOGIT * float(after.sum()))
    answers = int((in_codes(itype, _INSERT_CODES) & (delta >= 10)).sum())
    if answers >= 2 and typed == 0 and not touch_only(session):
        logit += KEYLESS_SESSION_LOGIT
    return logit


class ProvenanceDetector:
    name = "provenance"
    title = "Event provenance"
    learned = True
    feature_names = (
        "prov_click_no_move_share",
        "prov_click_center_share",
        "prov_click_no_press_share",
        "prov_click_jump_share",
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
            "prov_click_jump_share": (
                "The pointer jumped onto its targets, with no movement on the way.",
                "The pointer travelled to its targets.",
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
        led = has_before(click_t, move_t, 1000.0) | has_before(click_t, touch_t, 1000.0)
        click_no_move = share(~led)
        # Keyboard users click with Enter or Space, so a key press also explains a click.
        keyed = has_before(click_t, column(session, "keydown", "t"), 1000.0)
        # A person who holds still to read, then clicks, clicks where the pointer rests.
        pointer = pointer_of(session)
        resting = _clicks_where_pointer_rests(pointer)
        orphan = share(~(led | keyed | resting))
        rule = ORPHAN_CLICK_LOGIT * orphan if click_t.size >= 3 and orphan >= 0.5 else 0.0
        _, at_centre = centre_offsets(session)
        jumps = jump_share(pointer)
        pressed = has_before(click_t, down_t, 2000.0) | has_before(click_t, touch_t, 1000.0)
        no_press = share(~pressed) if down_t.size or touch_t.size else 0.0

        itype = column(session, "input", "input_type").astype(np.int64)
        delta = column(session, "input", "delta").astype(np.float64)
        inserted_mask = in_codes(itype, _INSERT_CODES) & (delta > 0)
        inserted = float(delta[inserted_mask].sum()) if delta.size else 0.0
        pasted = (
            float(delta[in_codes(itype, _PASTE_CODES) & (delta > 0)].sum()) if delta.size else 0.0
        )
        key_codes = column(session, "keydown", "key").astype(np.int64)
        typed = float(in_codes(key_codes, _TYPING_KEYS).sum())
        text_without_keys = max(0.0, (inserted - typed) / inserted) if inserted > 0 else 0.0
        if touch_only(session):
            text_without_keys = 0.0
        rule += _text_context_logit(session, itype, delta, typed)

        dt = np.diff(move_t)
        # Moves sharing one timestamp are a client delivering a batch (remote desktops do);
        # moves 0-3 ms apart with their own times come faster than any display.
        fast = share((dt > 0) & (dt < 3.0))
        mode_share = 0.0
        if dt.size >= 10:
            # Whole ms, so a finer collector clock cannot make people look gridded or not.
            mode_share = mode_share_of(dt)

        up_t = column(session, "mouseup", "t")
        keyup_n, keydown_n = len(column(session, "keyup", "t")), len(key_codes)
        impossible = 0
        if up_t.size and down_t.size:
            impossible += int((~has_before(up_t, down_t, 60000.0)).sum())
        impossible += max(0, keyup_n - keydown_n)
        events_considered = up_t.size + keyup_n
        impossible_share = impossible / events_considered if events_considered else 0.0

        features = {
            "prov_click_no_move_share": click_no_move,
            "prov_click_center_share": centre_share(at_centre),
            "prov_click_no_press_share": no_press,
            "prov_click_jump_share": jumps,
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
        if pasted >= 1:
            reasons.append(
                Reason(
                    "pasted_text",
                    "Text was pasted (counted only right after returning to the page).",
                    int(pasted),
                )
            )
        if inserted >= 5 and text_without_keys > 0.5:
            reasons.append(
                Reason(
                    "text_without_keys",
                    "Text arrived without key presses (dictation and autofill do this too).",
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
