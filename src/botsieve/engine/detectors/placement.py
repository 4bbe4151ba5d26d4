"""Pointer placement: did the pointer travel to its targets, or was it set on them?

A script that moves the pointer in one step, or clicks the exact centre of every target, set
the pointer; so do voice control ("click Next"), switch access and other assistive tools,
which the people who need them use on every survey. What this detector finds therefore only
corroborates (``fusion.CORROBORATING_LINES``): it raises the probability of a session the
other detectors already find a bot, and never turns a person into one, however their typing
and pacing read (the robustness suite's ``voice_control`` is that case).

It also says what it cannot see: a pointer set on its targets leaves no movement for the mouse
detectors to measure, so a session whose every click came that way has no pointer evidence at
all, only typing, which a tool imitates as easily as a hand. ``extra["pointer_set"]`` tells
the fusion (``fusion.missing_evidence``), which answers "not enough evidence" for it rather
than "human". A tap is not a tool: a phone's browser puts the pointer where the finger lands,
so clicks a touch led to are left out of both findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from botsieve.engine.arrays import column
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.detectors.provenance import (
    Pointer,
    centre_offsets,
    centre_share,
    has_before,
    jump_share,
    pointer_of,
)
from botsieve.engine.types import Reason, SessionInput

# A pointer that jumps onto most of five or more targets was set by a tool.
JUMP_LOGIT = 3.0
JUMP_SHARE = 0.75
JUMP_CLICKS = 5
# Clicks on the exact centre of their targets, again and again: a hand lands there about 2%
# of the time, so most of five or more were placed.
CENTRE_LOGIT = 3.0
CENTRE_SHARE = 0.6
CENTRE_CLICKS = 5
# A click this soon (ms) after a touch ended is the tap's own (the browser's compatibility
# mouse events put the pointer where the finger was).
TAP_MS = 1000.0


def _centre_logit(at_centre: np.ndarray, keyed: np.ndarray) -> float:
    """The centre rule over clicks with a known target offset; clicks a key caused are left
    out (a browser may put a keyboard-activated click on the target's centre)."""
    pointed = at_centre[~keyed] if keyed.size else at_centre
    if pointed.size < CENTRE_CLICKS or pointed.mean() < CENTRE_SHARE:
        return 0.0
    return CENTRE_LOGIT * float(pointed.mean())


class PlacementDetector:
    name = "placement"
    title = "Pointer placement"
    learned = False
    feature_names: tuple[str, ...] = ()
    sides: Mapping[str, int] = MappingProxyType({})
    describe: Mapping[str, tuple[str, str]] = MappingProxyType({})

    def extract(self, session: SessionInput) -> Evidence:
        every = pointer_of(session)
        tapped = has_before(every.click_t, column(session, "touchend", "t"), TAP_MS)
        pointer = _without_clicks(every, tapped)
        click_t = pointer.click_t
        jumps = jump_share(pointer)
        known, at_centre = centre_offsets(session)
        if tapped.size == known.size:
            at_centre = at_centre[~tapped[known]]
            known = known[~tapped]
        keyed = has_before(click_t, column(session, "keydown", "t"), 1000.0)
        jump_logit = (
            JUMP_LOGIT * jumps if click_t.size >= JUMP_CLICKS and jumps >= JUMP_SHARE else 0.0
        )
        # Jumps and exact centres are one finding (a tool set the pointer), so one amount.
        rule = max(jump_logit, _centre_logit(at_centre, keyed[known] if keyed.size else keyed))
        reasons = []
        if click_t.size >= 3 and jumps > 0.5:
            reasons.append(
                Reason(
                    "pointer_jumps",
                    "The pointer jumped onto its targets, with no movement on the way (voice "
                    "control and other assistive tools do this too).",
                    round(jumps, 3),
                )
            )
        centre = centre_share(at_centre)
        if known.any() and centre > 0.3:
            reasons.append(
                Reason(
                    "clicks_at_centre",
                    "Clicks land on the exact centre of their targets.",
                    round(centre, 3),
                )
            )
        return Evidence(
            features={},
            reasons=tuple(reasons),
            rule_logit=rule,
            observed=click_t.size > 0,
            extra={"pointer_set": float(rule > 0.0)},
        )


def _without_clicks(pointer: Pointer, drop: np.ndarray) -> Pointer:
    """``pointer`` with the clicks ``drop`` marks taken out (a position column that does not
    line up with the times is left as it is)."""
    if not drop.any():
        return pointer
    keep = ~drop

    def kept(a: np.ndarray) -> np.ndarray:
        return a[keep] if a.size == keep.size else a

    return pointer._replace(
        click_t=kept(pointer.click_t), click_x=kept(pointer.click_x), click_y=kept(pointer.click_y)
    )
