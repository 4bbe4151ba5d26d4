from __future__ import annotations

import dataclasses

import numpy as np

from botsieve.engine.detectors.provenance import ProvenanceDetector
from botsieve.engine.types import SessionInput
from botsieve.evaluation.builder import SessionBuilder
from tests.engine.sessions import hand_session

DETECTOR = ProvenanceDetector()


def test_a_hand_session_has_no_provenance_evidence() -> None:
    ev = DETECTOR.extract(hand_session(0))
    assert ev.proof == () and ev.rule_logit == 0.0
    assert ev.features["prov_click_no_move_share"] == 0.0
    assert ev.features["prov_text_without_keys"] == 0.0


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
    assert bare.rule_logit > 0 and bare.features["prov_click_center_share"] == 1.0
    for i in range(5):
        b.keys(
            np.array([1000.0 * (i + 1) - 200]),
            np.array([1000.0 * (i + 1) - 120]),
            np.array([2]),
            np.array([32]),
        )
    keyed = DETECTOR.extract(b.build())
    assert keyed.rule_logit == 0.0


def test_text_without_keys_and_pastes_are_measured() -> None:
    b = SessionBuilder()
    b.insert_text(1000.0, 80)
    b.insert_text(5000.0, 20, paste=True)
    f = DETECTOR.extract(b.build()).features
    assert f["prov_text_without_keys"] == 1.0
    assert f["prov_paste_share"] == 0.2


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
