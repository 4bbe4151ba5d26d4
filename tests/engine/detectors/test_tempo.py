from __future__ import annotations

import numpy as np

from botsieve.engine.detectors.tempo import TempoDetector, page_durations
from tests.engine.sessions import bot_session, hand_session

DETECTOR = TempoDetector()


def test_page_durations_pair_shown_with_submitted() -> None:
    t = np.array([0.0, 4000.0, 4500.0, 9500.0])
    phase = np.array([0, 1, 0, 1])
    mark = np.array([0, 0, 1, 1])
    assert page_durations(t, phase, mark).tolist() == [4.0, 5.0]


def test_agents_pause_uniformly_and_people_do_not() -> None:
    agent = DETECTOR.extract(bot_session("llm_agent", np.random.default_rng(0))).features
    person = DETECTOR.extract(hand_session(0)).features
    assert agent["tempo_idle_gap_cv"] < 0.4
    assert person["tempo_idle_gap_cv"] > agent["tempo_idle_gap_cv"]
    assert "uniform_pauses" in {
        r.code for r in DETECTOR.extract(bot_session("scripted", np.random.default_rng(1))).reasons
    }
