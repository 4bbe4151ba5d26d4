from __future__ import annotations

import numpy as np
import pytest

from botsieve.engine.detectors.mouse import (
    GRID_NOISE_PX,
    MIN_AIMED,
    PROFILE_AT,
    MouseDetector,
    long_holds,
    mouse_features,
    position_noise,
    profile_spread,
    speed_changes,
    within,
)
from botsieve.evaluation.builder import SessionBuilder
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


def _framed(t: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    dt = np.diff(t)
    return t, x, y, dt, dt > 300.0


def test_position_noise_is_the_jitter_across_the_path() -> None:
    """A straight line on whole pixels has only the grid's noise; jitter across it shows, and
    speeding up along it does not."""
    t = 16.0 * np.arange(200)
    along = np.cumsum(np.linspace(2, 12, 200))
    _, x, y, _, brk = _framed(t, np.round(along), np.zeros(200))
    assert position_noise(x, y, brk) == GRID_NOISE_PX
    jitter = np.random.default_rng(1).normal(0, 2.0, 200)
    noisy = position_noise(x, np.round(jitter), brk)
    assert 1.5 < noisy < 3.0


def test_speed_changes_read_alike_on_a_finer_noisier_or_faster_device() -> None:
    """The same hand path, drawn twice as large with twice the sensor noise (a faster hand on
    a noisier device), keeps its speed-change features: they are taken on steps of a length
    set by the session's own noise."""
    rng = np.random.default_rng(5)
    t, x, y = wobbly_path(rng, 3000)
    jitter = rng.normal(0, 1.0, (2, t.size))
    one = speed_changes(*_framed(t, np.round(x + jitter[0]), np.round(y + jitter[1])))
    big = speed_changes(
        *_framed(t, np.round(2 * x + 2 * jitter[0]), np.round(2 * y + 2 * jitter[1]))
    )
    for name in ("mouse_accel_flip_share", "mouse_jerk_ratio"):
        assert not np.isnan(one[name]), name
        assert abs(one[name] - big[name]) < 0.1, (name, one[name], big[name])


def test_a_few_reversals_do_not_outweigh_the_bend_of_every_other_step() -> None:
    """A slider dragged slowly with a held button's tremor steps back on itself now and then
    (turns near pi): left out of the mean turn, they leave it where the drag's own bend puts
    it (here: a straight drag, so near 0; with them in, about 0.6 rad)."""
    n = 400
    step = np.where(np.arange(n) % 10 == 9, -2.0, 3.0)  # every tenth frame a step back
    t = 1000 / 60 * np.arange(n + 1)
    x = np.concatenate([[100.0], 100.0 + np.cumsum(step)])
    y = np.full(n + 1, 300.0)
    turn = mouse_features(t, x, y, NO_CLICKS)["mouse_turn_mean_abs"]
    assert turn < 0.05


def test_a_held_press_is_paired_with_its_release_and_only_long_ones_are_drags() -> None:
    down = np.array([5000.0, 0.0, 9000.0])
    up = np.array([100.0, 9100.0, 8000.0])
    assert long_holds(down, up).tolist() == [[5000.0, 8000.0]]
    assert long_holds(down, np.zeros(0)).shape == (0, 2)


def test_times_within_overlapping_spans() -> None:
    spans = np.array([[5000.0, 8000.0], [0.0, 100.0], [6000.0, 7000.0]])
    t = np.array([-1.0, 50.0, 101.0, 5500.0, 7500.0, 8000.0, 8001.0])
    assert within(t, spans).tolist() == [False, True, False, True, True, True, False]
    assert not within(t, np.empty((0, 2))).any()


def test_a_long_drag_s_tremor_does_not_turn_the_hand_s_path() -> None:
    """While a button is held for seconds the widget steers the pointer and the hand only
    trembles: a pixel of tremor on a slow 4 s drag, inside a hand's session, leaves the turning
    features where the hand's own strokes put them."""
    t, x, y = wobbly_path(np.random.default_rng(3), 1500)
    rng = np.random.default_rng(4)
    n = 100
    drag_t = t[-1] + 500 + 40.0 * np.arange(n)
    drag_x = np.round(x[-1] + np.linspace(0, 60, n) + rng.normal(0, 0.7, n))
    drag_y = np.round(y[-1] + rng.normal(0, 0.7, n))
    tt, xx, yy = np.r_[t, drag_t], np.r_[x, drag_x], np.r_[y, drag_y]
    hand = mouse_features(t, x, y, NO_CLICKS)
    drag = np.array([[drag_t[0] - 50, drag_t[-1] + 50]])
    held = mouse_features(tt, xx, yy, NO_CLICKS, drag)
    unheld = mouse_features(tt, xx, yy, NO_CLICKS)
    for name in ("mouse_turn_mean_abs", "mouse_turn_flip_share"):
        assert abs(held[name] - hand[name]) < 0.01, (name, held[name], hand[name])
    # The same tremor read as free movement would have turned the path.
    assert unheld["mouse_turn_mean_abs"] > hand["mouse_turn_mean_abs"] + 0.02


def _one_easing(n_strokes: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strokes of many lengths and directions, every one on the same smoothstep easing."""
    rng = np.random.default_rng(5)
    ts, xs, ys, t, pos = [], [], [], 0.0, np.array([400.0, 400.0])
    for _ in range(n_strokes):
        aim = pos + rng.normal(0, 250, 2)
        k = int(rng.integers(20, 45))
        s = np.linspace(0, 1, k)
        ease = s * s * (3 - 2 * s)
        ts.append(t + 16.0 * np.arange(k))
        xs.append(np.round(pos[0] + ease * (aim[0] - pos[0])))
        ys.append(np.round(pos[1] + ease * (aim[1] - pos[1])))
        t, pos = ts[-1][-1] + 800.0, aim
    return np.concatenate(ts), np.concatenate(xs), np.concatenate(ys)


def test_strokes_from_one_formula_vary_less_than_a_hands() -> None:
    formula = mouse_features(*_one_easing(), NO_CLICKS)["mouse_profile_spread"]
    hand = mouse_features(*wobbly_path(np.random.default_rng(0), 2000), NO_CLICKS)
    assert formula < 0.03
    assert hand["mouse_profile_spread"] > 2 * formula


def test_stroke_variety_needs_enough_aimed_strokes() -> None:
    f = mouse_features(*_one_easing(MIN_AIMED - 1), NO_CLICKS)
    assert np.isnan(f["mouse_profile_spread"])


def test_profile_spread_reads_each_stroke_as_interpolation_would() -> None:
    """The vectorised reading against a plain one: each stroke's time share interpolated at
    the reading points of its path share, stroke by stroke."""
    rng = np.random.default_rng(9)
    lengths = rng.integers(5, 15, 8)
    t = np.r_[0.0, np.cumsum(rng.uniform(5, 30, lengths.sum() + lengths.size - 1))]
    vi, cid, d, first, start_pt = [], [], [], [], []
    point = 0
    for k, n in enumerate(lengths):
        first.append(len(vi))
        start_pt.append(point)
        vi += list(range(point, point + n))
        cid += [k] * n
        d += list(rng.uniform(0.0, 9.0, n))
        point += n + 1  # one step between strokes is not part of any
    vi_a, cid_a, d_a = np.array(vi), np.array(cid), np.array(d)
    start = np.array(start_pt)
    path = np.bincount(cid_a, d_a)
    end_pt = np.array([vi[f + n - 1] + 1 for f, n in zip(first, lengths, strict=True)])
    duration = t[end_pt] - t[start]
    got = profile_spread(
        t, vi_a, d_a, cid_a, (np.array(first), start, path, duration), np.ones(8, dtype=bool)
    )
    rows = []
    for k in range(8):
        steps = cid_a == k
        share = np.r_[0.0, np.cumsum(d_a[steps])] / path[k]
        spent = np.r_[0.0, t[vi_a[steps] + 1] - t[start[k]]] / duration[k]
        rows.append(np.interp(PROFILE_AT, share, spent))
    want = float(np.sqrt(np.median(np.array(rows).var(axis=0))))
    assert got == pytest.approx(want, rel=1e-9)


def test_moves_that_each_jump_onto_a_click_are_not_measured() -> None:
    """Thirty moves, each one step onto a target a second apart: moves, but no stroke to read,
    so the detector says it measured nothing (not a typical hand)."""
    b = SessionBuilder()
    for i in range(30):
        t = 1000.0 * (i + 1)
        b.moves(np.array([t - 50.0]), np.array([100.0 + 37 * i]), np.array([200.0 + 11 * i]))
        b.click(t, 100.0 + 37 * i, 200.0 + 11 * i)
    ev = MouseDetector().extract(b.build())
    assert not ev.observed
    assert all(np.isnan(v) for v in ev.features.values())
