from __future__ import annotations

import numpy as np

from botsieve.engine.detectors.mouse import mouse_features
from tests.engine.sessions import wobbly_path

NO_CLICKS = np.zeros(0)


def _straight(n_strokes: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ts, xs, ys, t = [], [], [], 0.0
    for i in range(n_strokes):
        k = 30
        ts.append(t + 16.0 * np.arange(k))
        xs.append(np.round(np.linspace(0, 300 + 10 * i, k)))
        ys.append(np.round(np.linspace(0, 200, k)))
        t = ts[-1][-1] + 1000
    return np.concatenate(ts), np.concatenate(xs), np.concatenate(ys)


def test_straight_constant_speed_strokes_are_measured_as_such() -> None:
    f = mouse_features(*_straight(), NO_CLICKS)
    assert f["mouse_straight_share"] == 1.0
    assert f["mouse_speed_cv"] < 0.1
    assert f["mouse_pause_share"] == 0.0
    assert f["mouse_overshoot_share"] == 0.0


def test_hand_like_strokes_bend_vary_and_pause() -> None:
    f = mouse_features(*wobbly_path(np.random.default_rng(0), 2000), NO_CLICKS)
    assert f["mouse_straight_share"] < 0.2
    assert f["mouse_speed_cv"] > 0.3
    assert f["mouse_pause_share"] > 0.0
    assert f["mouse_turn_flip_share"] > 0.3


def test_too_few_moves_measure_nothing() -> None:
    f = mouse_features(np.arange(5.0), np.arange(5.0), np.arange(5.0), NO_CLICKS)
    assert all(np.isnan(v) for v in f.values())


def test_sampling_rate_barely_matters_for_path_shape() -> None:
    """The same hand path seen at 60 Hz and at 144 Hz gives similar shape features."""
    rng = np.random.default_rng(3)
    t, x, y = wobbly_path(rng, 3000)
    fine_t = np.arange(t[0], t[-1], 1000 / 144)
    # Resample within strokes only: a pause stays a pause.
    gap = np.diff(t)[np.clip(np.searchsorted(t, fine_t) - 1, 0, t.size - 2)]
    fine_t = fine_t[gap < 100]
    fine_x, fine_y = np.round(np.interp(fine_t, t, x)), np.round(np.interp(fine_t, t, y))
    slow = mouse_features(t, x, y, NO_CLICKS)
    fast = mouse_features(fine_t.round(), fine_x, fine_y, NO_CLICKS)
    for name in ("mouse_straightness", "mouse_speed_cv", "mouse_peak_position"):
        assert abs(slow[name] - fast[name]) < 0.15, name


def test_clicks_split_strokes() -> None:
    t, x, y = _straight(1)
    whole = mouse_features(np.r_[t, t + 500], np.r_[x, x], np.r_[y, y], NO_CLICKS)
    split = mouse_features(np.r_[t, t + 500], np.r_[x, x], np.r_[y, y], np.array([t[-1] + 1]))
    assert whole["mouse_straightness"] != split["mouse_straightness"]


def test_a_finer_clock_and_half_pixels_change_nothing() -> None:
    """Collectors report sub-ms times and, on high-DPI screens, half pixels; features are
    taken on the whole-ms, whole-px grid the model learned on."""
    t, x, y = wobbly_path(np.random.default_rng(4), 1500)
    rng = np.random.default_rng(5)
    fine = mouse_features(t + rng.uniform(-0.4, 0.4, t.size), x + 0.25, y - 0.25, NO_CLICKS)
    whole = mouse_features(t, x, y, NO_CLICKS)
    assert fine.keys() == whole.keys()
    for name in whole:
        assert np.isclose(fine[name], whole[name], equal_nan=True), name
