"""The one decision function: thresholds, the review band, and the engine abstaining."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from botsieve.decisions.rule import Rule, decide, engine_verdict

RULE = Rule(threshold=0.8, review_from=0.5)


@pytest.mark.parametrize(
    ("probability", "expected"),
    [(0.95, "exclude"), (0.8, "exclude"), (0.79, "review"), (0.5, "review"), (0.49, "keep")],
)
def test_threshold_and_band_split_probabilities(probability, expected):
    assert decide(RULE, probability, "human") == expected


def test_without_a_band_nothing_goes_to_review():
    assert decide(Rule(0.8), 0.79, "bot") == "keep"


def test_abstaining_engine_is_never_excluded_nor_kept_as_a_person():
    assert decide(RULE, 0.99, "insufficient_evidence") == "insufficient_evidence"
    assert decide(RULE, 0.01, "insufficient_evidence") == "insufficient_evidence"


def test_engine_verdict_prefers_the_verdict_field_and_falls_back_to_is_bot():
    assert engine_verdict(SimpleNamespace(verdict="insufficient_evidence", is_bot=False)) == (
        "insufficient_evidence"
    )
    assert engine_verdict(SimpleNamespace(is_bot=True)) == "bot"
    assert engine_verdict(SimpleNamespace(is_bot=False)) == "human"
