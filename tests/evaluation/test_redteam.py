"""The red team's generator makes valid sessions at every corner of its knobs, and its search
keeps the lowest score it found."""

from __future__ import annotations

import numpy as np

from botsieve.engine import analyze, load_model
from botsieve.evaluation import redteam
from tests.engine.test_analyze import MODEL


def test_every_corner_of_the_knobs_makes_a_session() -> None:
    for u in (np.zeros(len(redteam.PARAMETERS)), np.ones(len(redteam.PARAMETERS))):
        s = redteam.session_from(u, np.random.default_rng(0))
        assert s.events["mousemove"]["t"].size > 20
        assert s.events["click"]["t"].size >= 4
        assert np.all(np.diff(s.events["mousemove"]["t"]) >= 0)
        assert 0.0 <= analyze(s, MODEL).bot_probability <= 1.0


def test_the_search_reports_the_lowest_score_it_reached() -> None:
    seen: list[float] = []

    def judge(session, model) -> float:  # type: ignore[no-untyped-def]
        p = analyze(session, model).bot_probability
        seen.append(p)
        return p

    out = redteam.search(MODEL, budget=12, score=judge)
    assert out["queries"] == 12 and len(seen) == 12
    assert out["best_probability"] == min(seen)
    assert out["below_threshold"] == sum(p < MODEL.threshold for p in seen)
    assert out["parameters"] >= 20


def test_a_rules_only_model_is_searched_too() -> None:
    out = redteam.search(load_model({}), budget=3)
    assert out["queries"] == 3
