"""The pointer placement detector: a pointer set on its targets, weighed as one finding."""

from __future__ import annotations

import numpy as np

from botsieve.engine.detectors.placement import CENTRE_LOGIT, JUMP_LOGIT, PlacementDetector
from botsieve.evaluation.builder import SessionBuilder
from tests.engine.sessions import hand_session, pointed_clicks

DETECTOR = PlacementDetector()


def test_a_hand_session_was_not_placed() -> None:
    ev = DETECTOR.extract(hand_session(0))
    assert ev.rule_logit == 0.0 and ev.reasons == ()


def test_clicks_on_the_exact_centre_again_and_again_add_a_rule() -> None:
    assert DETECTOR.extract(pointed_clicks(6).build()).rule_logit == CENTRE_LOGIT
    # Two in six is chance for small radios: no rule.
    assert DETECTOR.extract(pointed_clicks(2).build()).rule_logit == 0.0


def test_keyboard_activated_clicks_do_not_count_as_centre_clicks() -> None:
    b = pointed_clicks(6)
    for i in range(6):
        t = 2000.0 * (i + 1)
        b.keys(np.array([t - 300]), np.array([t - 220]), np.array([2]), np.array([32]))
    assert DETECTOR.extract(b.build()).rule_logit == 0.0


def test_a_pointer_that_jumps_onto_its_targets_adds_a_rule() -> None:
    b = SessionBuilder()
    for i in range(5):
        t = 2000.0 * (i + 1)
        b.moves(np.array([t - 5.0]), np.array([100.0 + 200 * i]), np.array([300.0]))
        b.click(t, 100.0 + 200 * i + 3, 300.0, target=(100.0 + 200 * i, 300.0, 20, 20))
    ev = DETECTOR.extract(b.build())
    # Four of five: the first click has no "before" to jump from.
    assert ev.rule_logit == JUMP_LOGIT * 0.8
    assert "pointer_jumps" in {r.code for r in ev.reasons}


def test_jumps_onto_exact_centres_are_one_finding_not_two() -> None:
    """Voice control sets the pointer on an element's centre and clicks: the jump rule and
    the centre rule see the same act, so the session gets one amount, not both."""
    b = SessionBuilder()
    for i in range(6):
        t = 2000.0 * (i + 1)
        x = 100.0 + 150 * i
        b.moves(np.array([t - 50.0]), np.array([x]), np.array([300.0]))
        b.click(t, x, 300.0, target=(x, 300.0, 20, 20))
    ev = DETECTOR.extract(b.build())
    assert {r.code for r in ev.reasons} == {"pointer_jumps", "clicks_at_centre"}
    assert ev.rule_logit == max(JUMP_LOGIT, CENTRE_LOGIT)


def _jumps(b: SessionBuilder, clicks: int = 6, tap: bool = False) -> SessionBuilder:
    """``clicks`` clicks, each reached by one move 150 px from the last (after a touch that
    ends just before it, with ``tap``)."""
    for i in range(clicks):
        t = 2000.0 * (i + 1)
        x = 100.0 + 150 * i
        if tap:
            b.add("touchend", t - 80.0, x=x, y=300.0)
        b.moves(np.array([t - 50.0]), np.array([x]), np.array([300.0]))
        b.click(t, x + 3, 300.0)
    return b


def test_a_pointer_set_on_its_targets_says_so_to_the_fusion() -> None:
    assert DETECTOR.extract(_jumps(SessionBuilder()).build()).extra["pointer_set"] == 1.0
    assert DETECTOR.extract(hand_session(0)).extra["pointer_set"] == 0.0


def test_taps_are_not_a_tool_setting_the_pointer() -> None:
    """A phone puts the pointer where the finger lands: every tap-led click 'jumps', and none
    may count as a tool's."""
    ev = DETECTOR.extract(_jumps(SessionBuilder(), tap=True).build())
    assert ev.rule_logit == 0.0 and ev.extra["pointer_set"] == 0.0
    assert "pointer_jumps" not in {r.code for r in ev.reasons}
