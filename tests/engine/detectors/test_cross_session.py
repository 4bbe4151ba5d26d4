from __future__ import annotations

import dataclasses

import numpy as np

from botsieve.engine import session_strokes
from botsieve.engine.detectors.cross_session import CrossSessionDetector
from botsieve.engine.signature import trajectory_signature
from botsieve.engine.types import CrossSessionContext, SessionInput
from botsieve.evaluation.zoo import replay
from tests.engine.sessions import hand_session

DETECTOR = CrossSessionDetector()


def _signature(session) -> np.ndarray:  # type: ignore[no-untyped-def]
    mm = session.events["mousemove"]
    return trajectory_signature(mm["x"], mm["y"])


def test_a_replayed_session_is_proven_a_replay() -> None:
    original = hand_session(0)
    copy = replay(original, np.random.default_rng(5))
    ctx = CrossSessionContext(
        trajectory_signatures=np.vstack([_signature(original), _signature(hand_session(9))])
    )
    ev = DETECTOR.extract(dataclasses.replace(copy, context=ctx))
    assert [r.code for r in ev.proof] == ["replayed_path"]


def test_different_people_are_not_replays() -> None:
    ctx = CrossSessionContext(
        trajectory_signatures=np.vstack([_signature(hand_session(s)) for s in (1, 2, 3)])
    )
    ev = DETECTOR.extract(dataclasses.replace(hand_session(0), context=ctx))
    assert ev.proof == () and ev.rule_logit == 0.0
    assert ev.features["cross_replay_log_distance"] > np.log1p(25)


def test_shared_devices_and_addresses_are_weak_rules() -> None:
    ctx = CrossSessionContext(same_device_sessions=8, same_ip_sessions=40)
    ev = DETECTOR.extract(dataclasses.replace(hand_session(0), context=ctx))
    assert ev.rule_logit == 0.0
    assert 0 < ev.shared_logit <= 3.0
    assert ev.proof == ()
    assert {"same_device", "same_ip"} <= {r.code for r in ev.reasons}


def _turned(session: SessionInput, angle: float, scale: float) -> SessionInput:
    """The session's pointer path turned, scaled and shifted as a whole (every stroke keeps
    its shape), and slowed by a tenth."""
    c, s = np.cos(angle) * scale, np.sin(angle) * scale
    events = {}
    for kind, cols in session.events.items():
        new = dict(cols)
        new["t"] = cols["t"] * 1.1
        if "x" in cols:
            new["x"] = np.round(700 + c * cols["x"] - s * cols["y"])
            new["y"] = np.round(100 + s * cols["x"] + c * cols["y"])
        events[kind] = new
    return dataclasses.replace(session, events=events)


def test_strokes_copied_from_other_sessions_are_proof_of_a_stroke_library() -> None:
    original = hand_session(0, moves=4000)
    copy = _turned(original, 0.7, 0.8)
    ctx = CrossSessionContext(stroke_signatures=session_strokes(original))
    ev = DETECTOR.extract(dataclasses.replace(copy, context=ctx))
    assert "reused_strokes" in [r.code for r in ev.proof]


def test_other_hands_strokes_are_not_a_library() -> None:
    peers = np.vstack([session_strokes(hand_session(s)) for s in (1, 2, 3, 4)])
    ctx = CrossSessionContext(stroke_signatures=peers)
    ev = DETECTOR.extract(dataclasses.replace(hand_session(0), context=ctx))
    assert ev.proof == () and ev.rule_logit == 0.0
