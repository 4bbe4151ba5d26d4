"""The person-side floors both corpus evaluations hold (default size and farm size)."""

from __future__ import annotations

from typing import Any

import pytest

from botsieve.evaluation.corpus import default_corpus_dir

CORPUS = default_corpus_dir()
PEOPLE_FLAGGED_FLOOR = 0.01
CORPUS_MARKS = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"needs the development corpus at {CORPUS}"),
]


def sources_over_floor(result: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Each human source flagged over the floor, in training or left out: (in, out)."""
    sources = {k: v for k, v in result["sources"].items() if k != "worst"}
    assert set(sources) == {"balabit", "sapimouse", "webbot"}
    return {
        src: (v["flagged_in_training"], v["flagged_left_out"])
        for src, v in sources.items()
        if max(v["flagged_in_training"], v["flagged_left_out"]) > PEOPLE_FLAGGED_FLOOR
    }


def habits_that_flipped(result: dict[str, Any]) -> dict[str, int]:
    """Each benign habit that flipped a person, with how many (people of sources in training)."""
    return {
        k: v["flipped"]
        for k, v in result["robustness"].items()
        if isinstance(v, dict) and v["flipped"]
    }


def habits_that_flipped_unseen(result: dict[str, Any]) -> dict[str, Any]:
    """Per source, the habits that flipped its people under the model trained without it."""
    sources = {k: v for k, v in result["sources"].items() if k != "worst"}
    tried = {src: v["habits_left_out"]["people"] for src, v in sources.items()}
    assert min(tried.values()) >= 20, tried
    return {
        src: v["habits_left_out"]["flipped"]
        for src, v in sources.items()
        if v["habits_left_out"]["flipped_total"]
    }
