from __future__ import annotations

import dataclasses

import numpy as np

from botsieve.engine.detectors.provenance import ProvenanceDetector
from botsieve.engine.types import SessionInput
from botsieve.evaluation.builder import SessionBuilder
from tests.engine.sessions import hand_session, pointed_clicks

DETECTOR = ProvenanceDetector()


def test_a_hand_session_has_no_provenance_evidence() -> None:
    ev = DETECTOR.extract(hand_session(0))
    assert ev.proof == () and ev.rule_logit == 0.0
    assert ev.features["prov_click_no_move_share"] == 0.0
    assert ev.features["prov_click_jump_share"] == 0.0


def test_untrusted_events_are_proof() -> None:
    s = hand_session(0)
    clicks = dict(s.events["click"])
    clicks["trusted"] = clicks["trusted"].copy()
    clicks["trusted"][0] = False
    ev = DETECTOR.extract(dataclasses.replace(s, events={**s.events, "click": clicks}))
    assert [r.code for r in ev.proof] == ["untrusted_events"]


def test_clicks_from_nowhere_add_a_rule_but_keyboard_clicks_do_not() -> None:
    b = SessionBuilder()
    for i in range(5):
        b.click(1000.0 * (i + 1), 100, 100, target=(100, 100, 20, 20))
    bare = DETECTOR.extract(b.build())
    # Five dead-centre clicks, shrunk towards people's rate by the pseudo-clicks.
    assert bare.rule_logit > 0 and 0.3 < bare.features["prov_click_center_share"] < 0.4
    for i in range(5):
        b.keys(
            np.array([1000.0 * (i + 1) - 200]),
            np.array([1000.0 * (i + 1) - 120]),
            np.array([2]),
            np.array([32]),
        )
    keyed = DETECTOR.extract(b.build())
    assert keyed.rule_logit == 0.0


def test_placement_is_measured_here_but_weighed_by_the_placement_detector() -> None:
    """Jumps and exact centres are features of this detector; the rule that weighs them is
    the placement detector's, which only corroborates."""
    ev = DETECTOR.extract(pointed_clicks(6).build())
    assert ev.features["prov_click_center_share"] > 0.3
    assert ev.rule_logit == 0.0


def test_one_click_on_a_radio_centre_is_not_a_centre_habit() -> None:
    b = SessionBuilder()
    for i in range(5):
        b.click(1000.0 * (i + 1), 100 if i == 0 else 104, 100, target=(100, 100, 20, 20))
    share = DETECTOR.extract(b.build()).features["prov_click_center_share"]
    assert share < 0.1


def test_a_pasted_or_dictated_answer_alone_adds_nothing() -> None:
    b = SessionBuilder()
    b.insert_text(1000.0, 80)
    b.insert_text(5000.0, 200, paste=True)
    b.keys(np.array([9000.0]), np.array([9080.0]), np.array([0]), np.array([65]))
    ev = DETECTOR.extract(b.build())
    assert ev.rule_logit == 0.0
    assert "pasted_text" in {r.code for r in ev.reasons}


def test_a_long_paste_right_after_returning_to_the_page_counts_weakly() -> None:
    b = SessionBuilder()
    b.add("visibilitychange", 1000.0, state=1)
    b.add("visibilitychange", 20000.0, state=0)
    b.insert_text(21000.0, 300, paste=True)
    b.keys(np.array([30000.0]), np.array([30080.0]), np.array([0]), np.array([65]))
    assert 0 < DETECTOR.extract(b.build()).rule_logit <= 2.0


def test_every_answer_without_a_key_counts_weakly() -> None:
    b = SessionBuilder()
    b.insert_text(1000.0, 80)
    b.insert_text(5000.0, 60)
    assert DETECTOR.extract(b.build()).rule_logit == 1.5


def test_moves_sharing_a_timestamp_are_not_fast_moves() -> None:
    t = np.repeat(np.arange(0.0, 3000.0, 110.0), 2)
    x = np.arange(t.size, dtype=float) * 3
    b = SessionBuilder(clock_ms=None)
    b.moves(t, x, x)
    assert DETECTOR.extract(b.build()).features["prov_fast_move_share"] == 0.0


def test_releases_without_presses_are_impossible() -> None:
    events = {
        "mousedown": {
            "t": np.array([500.0]),
            "x": np.zeros(1),
            "y": np.zeros(1),
            "button": np.zeros(1, np.int64),
            "trusted": np.ones(1, bool),
        },
        "mouseup": {
            "t": np.array([100.0, 600.0]),
            "x": np.zeros(2),
            "y": np.zeros(2),
            "button": np.zeros(2, np.int64),
            "trusted": np.ones(2, bool),
        },
    }
    f = DETECTOR.extract(SessionInput(events=events)).features
    assert f["prov_impossible_order_share"] == 0.5
