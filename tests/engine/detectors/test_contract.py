"""One contract over every registered detector."""

from __future__ import annotations

import math

import numpy as np
import pytest

from botsieve.engine.detectors import REGISTRY, Detector, Evidence
from botsieve.engine.types import Reason, SessionInput
from tests.engine.sessions import bot_session, hand_session

EMPTY = SessionInput(events={})
BROKEN_ENV = SessionInput(
    events={},
    environment={
        k: {"error": "failed"} for k in ("webdriver", "userAgent", "screen", "worker", "webgl")
    },
)
SESSIONS = {
    "empty": EMPTY,
    "broken_env": BROKEN_ENV,
    "hand": hand_session(1),
    "bezier": bot_session("bezier", np.random.default_rng(2)),
    "agent": bot_session("llm_agent", np.random.default_rng(3)),
}
DETECTORS = pytest.mark.parametrize("detector", REGISTRY, ids=[d.name for d in REGISTRY])


def test_registry_names_and_features_are_unique() -> None:
    names = [d.name for d in REGISTRY]
    features = [f for d in REGISTRY for f in d.feature_names]
    assert len(set(names)) == len(names) == 7
    assert len(set(features)) == len(features)


@DETECTORS
@pytest.mark.parametrize("case", SESSIONS)
def test_detector_returns_its_declared_features(detector: Detector, case: str) -> None:
    ev = detector.extract(SESSIONS[case])
    assert isinstance(ev, Evidence)
    assert tuple(ev.features) == detector.feature_names
    for value in ev.features.values():
        assert isinstance(value, float)
        assert math.isfinite(value) or math.isnan(value)
    assert all(isinstance(r, Reason) and r.code and r.text for r in ev.reasons)
    assert set(ev.proof) <= set(ev.reasons)
    assert math.isfinite(ev.rule_logit) and ev.rule_logit >= 0


@DETECTORS
def test_detector_is_deterministic(detector: Detector) -> None:
    first = detector.extract(SESSIONS["hand"])
    again = detector.extract(SESSIONS["hand"])
    assert np.array_equal(
        np.array(list(first.features.values())),
        np.array(list(again.features.values())),
        equal_nan=True,
    )
    assert first.reasons == again.reasons


@DETECTORS
def test_detector_declares_sides_only_for_its_own_features(detector: Detector) -> None:
    assert set(detector.sides) <= set(detector.feature_names)
    assert set(detector.sides.values()) <= {-1, 0, 1}


@DETECTORS
def test_empty_session_gives_no_proof(detector: Detector) -> None:
    assert detector.extract(EMPTY).proof == ()


@DETECTORS
def test_every_learned_feature_is_described_both_ways(detector: Detector) -> None:
    if not detector.learned:
        return
    assert set(detector.describe) == set(detector.feature_names)
    for high, low in detector.describe.values():
        assert high.endswith(".") and low.endswith(".")
