from __future__ import annotations

import dataclasses

import numpy as np

from botsieve.engine.detectors.cross_session import CrossSessionDetector
from botsieve.engine.signature import trajectory_signature
from botsieve.engine.types import CrossSessionContext
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
    assert 0 < ev.rule_logit <= 3.0
    assert ev.proof == ()
    assert {"same_device", "same_ip"} <= {r.code for r in ev.reasons}
