"""The verdict rules on top of the model: two independent lines, corroborating shared devices,
and "not enough evidence" as an answer of its own."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from botsieve.engine import fusion
from botsieve.engine.analyze import analyze
from botsieve.engine.types import SessionInput

LINES = len(fusion.LINES)
PATH, MOTION, KEYS = (fusion.LINES.index(n) for n in ("mouse_path", "mouse_motion", "keystroke"))


def _lines(**logits: float) -> np.ndarray:
    row = np.zeros((1, LINES))
    for name, value in logits.items():
        row[0, fusion.LINES.index(name)] = value
    return row


def test_pointer_placement_features_add_at_most_their_cap_together() -> None:
    """Jumps and exact centres are what assistive tools produce too: however strongly the
    model weighs them, together they add at most ``PLACEMENT_CAP`` to the provenance line."""
    names = ("prov_click_jump_share", "prov_click_center_share", "prov_fast_move_share")
    lines = fusion.feature_lines(names)
    contrib = np.array([[2.0, 2.0, 0.5]])
    per_line = fusion.line_logits(
        contrib, lines, np.zeros((1, len(fusion.DETECTOR_NAMES))), fusion.DETECTOR_NAMES
    )
    provenance = per_line[0, fusion.LINES.index("provenance")]
    assert provenance == pytest.approx(fusion.PLACEMENT_CAP + 0.5)
    # Evidence that the pointer was not placed still counts in full.
    human = fusion.line_logits(
        -contrib, lines, np.zeros((1, len(fusion.DETECTOR_NAMES))), fusion.DETECTOR_NAMES
    )
    assert human[0, fusion.LINES.index("provenance")] == pytest.approx(-4.5)


def test_one_line_alone_is_held_under_the_threshold() -> None:
    z = fusion.fuse(-5.0, _lines(provenance=20.0), np.zeros(1), np.array([False]), 0.9)
    assert 1 / (1 + math.exp(-z[0])) < 0.9


def test_two_lines_can_reach_a_bot_verdict() -> None:
    z = fusion.fuse(
        -5.0, _lines(provenance=8.0, keystroke=8.0), np.zeros(1), np.array([False]), 0.9
    )
    assert 1 / (1 + math.exp(-z[0])) >= 0.9


def test_proof_is_not_held_back() -> None:
    z = fusion.fuse(-5.0, _lines(environment=20.0), np.zeros(1), np.array([True]), 0.9)
    assert z[0] == pytest.approx(15.0)


def test_shared_devices_never_decide_and_add_to_a_bot_already_found() -> None:
    shared, no_proof, cut = np.array([2.0]), np.array([False]), fusion.logit(0.9)
    alone = fusion.fuse(-5.0, _lines(), shared, no_proof, 0.9)
    assert alone[0] == pytest.approx(-5.0)
    # Behaviour that leans bot-ward, two lines clear, just under the threshold: stays under.
    under = fusion.fuse(-5.0, _lines(mouse_path=3.5, keystroke=3.5), shared, no_proof, 0.9)
    assert under[0] == pytest.approx(2.0) and under[0] < cut
    # Over the threshold without them: they add in full.
    over = fusion.fuse(-5.0, _lines(mouse_path=4.0, keystroke=4.0), shared, no_proof, 0.9)
    assert over[0] == pytest.approx(5.0)
    # While a threshold is chosen they play no part.
    choosing = fusion.fuse(-5.0, _lines(mouse_path=4.0, keystroke=4.0), shared, no_proof, None)
    assert choosing[0] == pytest.approx(3.0)


def test_a_placed_pointer_never_decides_and_is_never_a_line() -> None:
    """Voice control sets the pointer as a script does: a typist whose typing and pacing read
    just under the threshold stays under it, however strongly the pointer was placed."""
    no_shared, no_proof, cut = np.zeros(1), np.array([False]), fusion.logit(0.9)
    typist = _lines(placement=3.0, keystroke=3.5, tempo=3.5)
    z = fusion.fuse(-5.0, typist, no_shared, no_proof, 0.9)[0]
    assert z == pytest.approx(2.0) and z < cut
    # With one other line only, it does not make a second one.
    assert fusion.lines_of_evidence(_lines(placement=3.0, keystroke=3.5))[0] == 1
    # A bot found without it: it adds in full.
    bot = _lines(placement=3.0, keystroke=4.0, tempo=4.0)
    assert fusion.fuse(-5.0, bot, no_shared, no_proof, 0.9)[0] == pytest.approx(6.0)


def test_one_line_sessions_are_out_of_reach_while_a_threshold_is_chosen() -> None:
    z = fusion.fuse(-5.0, _lines(tempo=30.0), np.zeros(1), np.array([False]), None)
    assert z[0] == -math.inf


def test_the_mouse_counts_as_two_lines_where_and_how() -> None:
    assert fusion.line_of("mouse_straightness", "mouse") == PATH
    assert fusion.line_of("mouse_jerk_ratio", "mouse") == MOTION
    assert fusion.line_of("key_hold_median", "keystroke") == KEYS


def test_an_empty_session_is_not_enough_evidence_never_human() -> None:
    result = analyze(SessionInput(events={}))
    assert result.verdict == "insufficient_evidence"
    assert not result.is_bot
    assert fusion.MISSING_MOUSE in result.missing_evidence
    assert "Not enough evidence" in result.analysis_summary


def test_one_mousemove_is_not_enough_evidence() -> None:
    one = {"t": np.array([5.0]), "x": np.array([10.0]), "y": np.array([10.0])}
    result = analyze(SessionInput(events={"mousemove": one}))
    assert result.verdict == "insufficient_evidence"


def test_a_coarse_clock_leaves_the_keyboard_unmeasured() -> None:
    assert fusion.missing_evidence({"keystroke": True}, coarse_clock=True) == (
        fusion.MISSING_MOUSE,
        fusion.MISSING_CLOCK,
    )
    assert fusion.missing_evidence({"keystroke": True}, coarse_clock=False) == ()
    assert fusion.missing_evidence({"mouse": True}, coarse_clock=True) == ()


def test_a_pointer_set_on_its_targets_leaves_typing_alone_not_enough() -> None:
    """Typing is the one behaviour left when a tool set the pointer; a made-up rhythm is no
    harder for an agent than for a hand, so it is not enough for "human"."""
    typed = {"keystroke": True, "placement": True}
    assert fusion.missing_evidence(typed, coarse_clock=False, pointer_set=True) == (
        fusion.MISSING_MOTION,
    )
    assert fusion.missing_evidence({}, coarse_clock=False, pointer_set=True) == (
        fusion.MISSING_MOTION,
        fusion.MISSING_KEYS,
    )
    # A pointer that moved enough to measure is evidence, however the clicks came.
    assert fusion.missing_evidence({"mouse": True}, coarse_clock=False, pointer_set=True) == ()
    assert fusion.missing_evidence(typed, coarse_clock=False, pointer_set=False) == ()


def test_a_blurred_clock_leaves_timing_unmeasured_and_says_so() -> None:
    from tests.engine.sessions import hand_session

    s = hand_session(0)
    coarse = dataclasses.replace(s, environment={**s.environment, "timerResolution": 16.67})
    fine = dataclasses.replace(s, environment={**s.environment, "timerResolution": 0.1})
    a, b = analyze(coarse), analyze(fine)
    assert "mouse_jerk_ratio" not in a.features and "key_hold_median" not in a.features
    assert "mouse_jerk_ratio" in b.features and "key_hold_median" in b.features
    assert "coarse_clock" in {r.code for r in a.method_scores["keystroke"].reasons}
    assert "mouse_straightness" in a.features
