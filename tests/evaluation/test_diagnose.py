"""The diagnosis explains the threshold by the people of each source left out, and a left-out
family's misses line by line."""

from __future__ import annotations

import numpy as np
import pytest

from botsieve.engine import fusion
from botsieve.evaluation import diagnose, zoo
from botsieve.evaluation.dataset import HUMAN_FAMILY, Labelled, features
from botsieve.evaluation.fit import TrainingSet
from tests.engine.sessions import hand_session

PEOPLE, BOTS = 24, 12


@pytest.fixture(scope="module")
def small_set() -> tuple[TrainingSet, np.ndarray]:
    # Two human sources (by the person prefixes the dataset uses) and two bot families.
    items = [
        Labelled(hand_session(i), HUMAN_FAMILY, f"{'sapi' if i % 2 else 'web'}-{i}")
        for i in range(PEOPLE)
    ]
    for family in ("scripted", "llm_agent"):
        items += [
            Labelled(
                zoo.bot_session(family, np.random.default_rng([i, 3])), family, f"{family}-{i}"
            )
            for i in range(BOTS)
        ]
    return features(items, np.arange(len(items)) % 4)


def test_each_source_left_out_names_its_cut_and_top_people(
    small_set: tuple[TrainingSet, np.ndarray],
) -> None:
    ts, _ = small_set
    out = diagnose.threshold_setters(ts)
    assert set(out["sources"]) == {"sapimouse", "webbot"}
    assert 0.5 <= out["threshold"] <= 0.99
    for v in out["sources"].values():
        assert v["people"] == PEOPLE // 2
        probabilities = [p["probability"] for p in v["top"]]
        assert probabilities == sorted(probabilities, reverse=True)
        assert len(probabilities) == diagnose.TOP_PEOPLE
        assert all(set(p["lines"]) == set(fusion.LINES) for p in v["top"])
        assert all(len(p["features"]) == diagnose.TOP_FEATURES for p in v["top"])


def test_a_left_out_family_reports_its_misses_by_line(
    small_set: tuple[TrainingSet, np.ndarray],
) -> None:
    ts, family = small_set
    out = diagnose.missed_lines(ts, family, "llm_agent")
    assert out["sessions"] == BOTS
    assert out["missed"] == round(BOTS * (1 - out["caught"]))
    assert out["missed"] > 0  # agents that jump and insert their answers: some always pass
    assert set(out["median_line_logit"]) == set(fusion.LINES)
    assert 0.0 < out["median_probability_short_of_threshold"] < 1.0
    # Every missed session is counted once by how many lines it cleared.
    assert sum(out["lines_cleared"]) == out["missed"]
    text = "\n".join(diagnose.lines_text(out))
    assert f"family llm_agent left out: caught {out['caught']:.1%} of {BOTS}" in text
