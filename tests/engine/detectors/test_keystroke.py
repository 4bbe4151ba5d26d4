from __future__ import annotations

import numpy as np

from botsieve.engine.detectors.keystroke import (
    TIMER_LOGIT,
    KeystrokeDetector,
    key_holds,
    keystroke_features,
)
from botsieve.engine.types import SessionInput
from botsieve.evaluation.builder import SessionBuilder

NONE = np.zeros(0, dtype=bool)


def _features(
    press: np.ndarray, release: np.ndarray, key: np.ndarray | None = None
) -> dict[str, float]:
    n = press.size
    key = np.zeros(n, np.int64) if key is None else key
    pos = np.arange(n, dtype=np.int64) % 26 + 65
    order = np.argsort(release, kind="stable")
    return keystroke_features(
        press, key, pos, np.zeros(n, bool), release[order], key[order], pos[order]
    )


def test_holds_pair_each_key_with_its_own_release() -> None:
    hold, src = key_holds(
        np.array([0.0, 50.0]), np.array([1, 2]), np.array([120.0, 80.0]), np.array([2, 1])
    )
    assert sorted(zip(src.tolist(), hold.tolist(), strict=False)) == [(0, 80.0), (1, 70.0)]


def test_fifty_ms_typing_is_uniform() -> None:
    press = 100.0 * np.arange(40)
    f = _features(press, press + 50.0)
    assert f["key_hold_spread"] == 0.0
    assert f["key_same_interval_share"] >= 0.5
    assert f["key_rollover_share"] == 0.0


def test_people_spread_overlap_and_correct() -> None:
    rng = np.random.default_rng(0)
    press = np.cumsum(rng.lognormal(np.log(180), 0.5, 80)).round()
    release = (press + rng.lognormal(np.log(110), 0.3, 80)).round()
    key = np.where(rng.random(80) < 0.05, 3, 0)
    f = _features(press, release, key)
    assert f["key_hold_spread"] > 0.1
    assert f["key_rollover_share"] > 0.0
    assert f["key_backspace_share"] > 0.0


def test_too_few_keys_measure_nothing() -> None:
    f = _features(np.arange(3.0), np.arange(3.0) + 1)
    assert all(np.isnan(v) for v in f.values())


def _detector_session(press: np.ndarray, release: np.ndarray) -> SessionInput:
    b = SessionBuilder()
    n = press.size
    b.keys(press, release, np.zeros(n, np.int64), np.arange(n, dtype=np.int64) % 2)
    return b.build()


def test_keys_held_alike_to_the_millisecond_add_the_timer_rule() -> None:
    press = 1000.0 + 180.0 * np.arange(30)
    ev = KeystrokeDetector().extract(_detector_session(press, press + 50.0))
    assert ev.rule_logit == TIMER_LOGIT
    assert "timed_holds" in {r.code for r in ev.reasons}


def test_steady_holds_on_a_polled_keyboard_are_not_a_timer() -> None:
    """A steady typist on a keyboard read every 8 ms: holds fall on a few grid values, each
    smeared by the system's delivery, never mostly on one."""
    rng = np.random.default_rng(3)
    press = 1000.0 + np.cumsum(rng.lognormal(np.log(200), 0.3, 60))
    hold = rng.normal(100.0, 4.0, 60)
    grid = lambda t: (np.ceil(t / 8.0) * 8.0 + rng.uniform(0.0, 2.0, t.size)).round()  # noqa: E731
    ev = KeystrokeDetector().extract(_detector_session(grid(press), grid(press + hold)))
    assert ev.rule_logit == 0.0
