"""The evaluation at a farm's scale: 200 bots per family and a stroke-library farm sending 100
sessions into one survey (``botsieve eval --bots-per-family 200 --farm-survey-sessions 100``).

Larger training sets move every fold's threshold, and a person safe at the default size was
once flipped here by a long press; so the person-side floors are held at this size too, and
the detection issue's stroke-library figure (at least 90% caught at 100 sessions per survey,
the family left out of training) is held where it is defined, with the OS-level replay farm's
(at least 80%). About three minutes of CPU on
two cores; marked ``corpus`` like the default-size evaluation.
"""

from __future__ import annotations

from typing import Any

import pytest

from botsieve.evaluation.commands import run_eval
from tests.evaluation.floors import (
    CORPUS,
    CORPUS_MARKS,
    habits_that_flipped,
    habits_that_flipped_unseen,
    sources_over_floor,
)

STROKE_LIBRARY_FLOOR = 0.90
OS_REPLAY_FLOOR = 0.80

pytestmark = CORPUS_MARKS


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return run_eval(CORPUS, seed=7, bots_per_family=200, farm_survey_sessions=100)


def test_a_stroke_library_farm_of_100_sessions_a_survey_is_caught_unseen(
    result: dict[str, Any],
) -> None:
    assert result["families"]["stroke_library"]["n"] == 200
    assert result["left_out"]["stroke_library"]["caught_at_threshold"] >= STROKE_LIBRARY_FLOOR


def test_an_os_level_replay_farm_of_100_sessions_a_survey_is_caught_unseen(
    result: dict[str, Any],
) -> None:
    assert result["left_out"]["os_replay"]["caught_at_threshold"] >= OS_REPLAY_FLOOR


def test_people_of_every_source_stay_unflagged_at_this_size(result: dict[str, Any]) -> None:
    assert sources_over_floor(result) == {}


def test_no_benign_habit_flips_a_person_at_this_size(result: dict[str, Any]) -> None:
    assert (habits_that_flipped(result), habits_that_flipped_unseen(result)) == ({}, {})
