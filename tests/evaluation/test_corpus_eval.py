"""The evaluation on the real corpus must not fall below its recorded figures, and the
person-side floors hold: no human source over 1% flagged (left out of training or not), no
benign habit flipping a person (whether their source was in training or not).

Runs the evaluation exactly as recorded in ``bench/results/eval-baseline.json`` (the full,
deterministic configuration: under a minute of CPU on two cores) and compares the figures; to
record a new baseline after an intended change:
``botsieve eval --record bench/results/eval-baseline.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from botsieve.evaluation.commands import run_eval
from tests.evaluation.floors import (
    CORPUS,
    CORPUS_MARKS,
    PEOPLE_FLAGGED_FLOOR,
    habits_that_flipped,
    habits_that_flipped_unseen,
    sources_over_floor,
)

BASELINE = Path(__file__).resolve().parents[2] / "bench/results/eval-baseline.json"
AUC_MARGIN = 0.01
RATE_MARGIN = 0.03  # about two bots of a small family
FLAGGED_MARGIN = 0.005

pytestmark = CORPUS_MARKS


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    baseline = json.loads(BASELINE.read_text())
    return run_eval(CORPUS, small=baseline["small"], seed=baseline["seed"])


@pytest.fixture(scope="module")
def baseline() -> dict[str, Any]:
    return json.loads(BASELINE.read_text())["figures"]


def _sections(figures: dict[str, Any]) -> list[tuple[str, str, dict[str, float]]]:
    out = [("all", f, v) for f, v in figures["families"].items()]
    out.append(("all", "overall", figures["overall"]))
    out += [("left_out", f, v) for f, v in figures["left_out"].items()]
    out += [("stress", f, v) for f, v in figures.get("stress", {}).items()]
    return out


def test_no_figure_drops_below_the_recorded_baseline(
    result: dict[str, Any], baseline: dict[str, Any]
) -> None:
    now = {(s, f): v for s, f, v in _sections(result)}
    drops = []
    for section, family, was in _sections(baseline):
        got = now[(section, family)]
        if got["auc"] < was["auc"] - AUC_MARGIN:
            drops.append((section, family, "auc", was["auc"], got["auc"]))
        for key in ("caught_at_1pct", "caught_at_threshold"):
            if got[key] < was[key] - RATE_MARGIN:
                drops.append((section, family, key, was[key], got[key]))
        # A bot not caught may still be held back as "not enough evidence"; one that starts
        # passing as human instead is a drop too.
        held, held_was = (
            f["caught_at_threshold"] + f.get("insufficient_evidence", 0.0) for f in (got, was)
        )
        if held < held_was - RATE_MARGIN:
            drops.append((section, family, "not passed as human", held_was, held))
        if got["humans_flagged_at_threshold"] > was["humans_flagged_at_threshold"] + FLAGGED_MARGIN:
            drops.append(
                (
                    section,
                    family,
                    "humans_flagged",
                    was["humans_flagged_at_threshold"],
                    got["humans_flagged_at_threshold"],
                )
            )
    assert drops == []


def test_people_never_trained_on_stay_unflagged(
    result: dict[str, Any], baseline: dict[str, Any]
) -> None:
    got, was = result["unseen_people"], baseline["unseen_people"]
    assert got["webbot_people"] <= max(was["webbot_people"] + FLAGGED_MARGIN, 0.01)
    assert got["advanced_bot"] >= was["advanced_bot"] - RATE_MARGIN


def test_people_of_every_source_stay_unflagged(result: dict[str, Any]) -> None:
    """Each human source, scored by models that saw other people of it and by a model that
    never saw any of its people: at most 1% flagged either way."""
    assert sources_over_floor(result) == {}
    assert result["overall"]["humans_flagged_at_threshold"] <= PEOPLE_FLAGGED_FLOOR


def test_no_benign_habit_flips_a_person(result: dict[str, Any]) -> None:
    assert habits_that_flipped(result) == {}


def test_no_benign_habit_flips_a_person_of_a_source_never_trained_on(
    result: dict[str, Any],
) -> None:
    """The same habits on people of each source, scored by the model trained without any of
    that source's people: what a new install with a new population meets."""
    assert habits_that_flipped_unseen(result) == {}


def test_replay_farms_are_caught_whether_trained_on_or_not(result: dict[str, Any]) -> None:
    """Proof (a path repeated to within pixels) does not depend on training: with the family
    left out, only a replay of a path too small to prove may slip (1 of 144 recorded)."""
    assert result["families"]["replay_farm"]["caught_at_threshold"] == 1.0
    assert result["left_out"]["replay_farm"]["caught_at_threshold"] >= 0.99
