from __future__ import annotations

import numpy as np
import pytest

from botsieve.engine.types import SessionInput
from botsieve.engine.vocab import INPUT_TYPES, KEY_CLASSES, PAGE_PHASES
from botsieve.evaluation.zoo import FAMILIES, bot_session, replay, windmouse_path


def _check_well_formed(s: SessionInput) -> None:
    for kind, cols in s.events.items():
        n = cols["t"].size
        assert all(v.shape == (n,) for v in cols.values()), kind
        assert np.all(np.diff(cols["t"]) >= 0), kind
        assert cols["trusted"].dtype == bool
    if "keydown" in s.events:
        assert set(s.events["keydown"]["key"].tolist()) <= set(range(len(KEY_CLASSES)))
    if "input" in s.events:
        assert set(s.events["input"]["input_type"].tolist()) <= set(range(len(INPUT_TYPES)))
    assert set(s.events["page"]["phase"].tolist()) <= set(range(len(PAGE_PHASES)))


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_answers_a_survey(family: str) -> None:
    s = bot_session(family, np.random.default_rng(0))
    _check_well_formed(s)
    assert s.events["click"]["t"].size >= 8
    assert s.events["page"]["t"].size >= 8


@pytest.mark.parametrize("family", FAMILIES)
def test_families_are_seeded(family: str) -> None:
    a, b = (
        bot_session(family, np.random.default_rng(3)),
        bot_session(family, np.random.default_rng(3)),
    )
    assert a.events.keys() == b.events.keys()
    for kind in a.events:
        for name in a.events[kind]:
            assert np.array_equal(a.events[kind][name], b.events[kind][name], equal_nan=True)


def test_windmouse_reaches_its_target() -> None:
    t, x, y = windmouse_path(
        np.random.default_rng(0), np.array([0.0, 0.0]), np.array([500.0, 300.0]), 20, 0
    )
    assert (x[-1], y[-1]) == (500.0, 300.0) and np.all(np.diff(t) > 0)


def test_replay_keeps_order_and_shape_but_not_times() -> None:
    src = bot_session("humanised", np.random.default_rng(1))
    copy = replay(src, np.random.default_rng(2))
    _check_well_formed(copy)
    mm, mm2 = src.events["mousemove"], copy.events["mousemove"]
    assert mm["t"].size == mm2["t"].size
    assert np.abs(mm["x"] - mm2["x"]).mean() < 10
    assert not np.array_equal(mm["t"], mm2["t"])
