"""Mouse dynamics, per stroke and over the session.

A stroke is a run of moves with no gap over ``STROKE_GAP_MS`` and no click inside it. Hands
make strokes that bend and wobble, speed up early and brake late with corrective
sub-movements, overshoot targets, and pause; scripts make straight or perfectly smooth curves
at constant or eased speed. Every feature here is scale-free or in stated units so that screen
size and sampling rate matter as little as possible. Sessions with too few moves give ``nan``
features (not measured), which the fusion model imputes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np

from botsieve.engine.arrays import column, correlation, median, median_above, share
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.types import Reason, SessionInput

STROKE_GAP_MS = 300.0
# Paths are first coalesced to one point per display frame (the last in each), so that
# 60 Hz, 144 Hz and event-flooding sources are measured alike.
FRAME_MS = 16.0
MIN_MOVES = 20
NAN = float("nan")
# Speed changes are read on steps this many times the session's own position noise long, and no
# longer (see ``speed_changes``).
NOISE_BAND = (6.0, 24.0)
# The position noise of whole-pixel coordinates alone (px): a floor for the session's estimate.
GRID_NOISE_PX = 0.35
# A turn sharper than this (rad, about 143 degrees) is the pointer going back on itself: a
# slider dragged to and fro, a one-pixel tremor on a held button. The mean turn leaves them
# out: a handful of them, each near pi, outweighed the bend of every other step (one slider
# drag took a person's mean turn from 0.03 to 0.82).
REVERSAL_RAD = 2.5
# A press held this long (ms) is a drag: a slider, a selection, a held hesitation. While it
# lasts the widget steers the pointer and the hand only trembles, so the turning features leave
# its steps out (one 2-8 s drag's tremor took a person's mean turn from 0.26 to 0.32 and over
# a fold's threshold). No bot family presses that long; half the recorded people do.
DRAG_MS = 1000.0
# Moves further apart than this (ms, median) make a sparse stream (see ``sparse_stream``).
SPARSE_MS = 40.0
# A stroke whose chord is this long (px) aimed somewhere: overshoot, Fitts's law and the
# stroke-to-stroke variety (``profile_spread``) read such strokes only. The variety reads each
# at these fractions of its path, and needs at least this many of them (with fewer, a
# person's few strokes can match by chance).
AIMED_PX = 30.0
PROFILE_AT = np.linspace(0.0, 1.0, 13)[1:-1]
MIN_AIMED = 6
# Features read from how the pointer moves in time (one line of evidence, apart from the path's
# geometry; not measured below a coarse clock).
MOTION_FEATURES = (
    "mouse_speed_cv",
    "mouse_accel_flip_share",
    "mouse_jerk_ratio",
    "mouse_peak_position",
    "mouse_speed_peaks_per_s",
    "mouse_pause_share",
    "mouse_fitts_r",
    "mouse_dt_spread",
    "mouse_profile_spread",
)
# Features that need a dense stream: measured on sparse ones they describe the sampler, not the
# hand (a remote desktop's 110 ms moves turn sharply and seem to pause between every point).
SAMPLING_SENSITIVE = (
    *(f for f in MOTION_FEATURES if f != "mouse_fitts_r"),
    "mouse_turn_mean_abs",
    "mouse_turn_flip_share",
    "mouse_tiny_step_share",
)

FEATURES = (
    "mouse_straightness",
    "mouse_straight_share",
    "mouse_turn_mean_abs",
    "mouse_turn_flip_share",
    "mouse_speed_cv",
    "mouse_accel_flip_share",
    "mouse_jerk_ratio",
    "mouse_peak_position",
    "mouse_speed_peaks_per_s",
    "mouse_overshoot_share",
    "mouse_pause_share",
    "mouse_fitts_r",
    "mouse_tiny_step_share",
    "mouse_dt_spread",
    "mouse_profile_spread",
)


def mouse_features(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    click_t: np.ndarray,
    drags: np.ndarray | None = None,
) -> dict[str, float]:
    """Features of one session's pointer path.

    ``t`` (ms), ``x``, ``y`` (CSS px): mousemove events, shape ``(n,)``, sorted by ``t``;
    ``click_t`` (ms): click times, shape ``(c,)``, sorted; ``drags``: ``(k, 2)`` start and end
    (ms) of presses held ``DRAG_MS`` or longer (``long_holds``). Returns ``FEATURES`` keys,
    ``nan`` where there is too little movement to measure.
    """
    out = dict.fromkeys(FEATURES, NAN)
    if t.size < MIN_MOVES:
        return out
    # On the grid the model learned on: whole ms and whole CSS px. A finer collector clock or
    # fractional coordinates (high-DPI screens) must not make a hand look smoother than hands.
    t = np.round(t)
    raw_dt = np.diff(t)
    quick = raw_dt[raw_dt <= 60.0]
    if quick.size >= 10:
        n = quick.size - 1
        kth = [n // 4, n // 2, (3 * n) // 4]
        q25, q50, q75 = np.partition(quick, kth)[kth]
        out["mouse_dt_spread"] = float((q75 - q25) / max(float(q50), 1.0))
    frame = ((t - t[0]) * (1.0 / FRAME_MS)).astype(np.int64)
    last = np.empty(t.size, dtype=bool)
    np.not_equal(frame[1:], frame[:-1], out=last[:-1])
    last[-1] = True
    # Rounded after coalescing: the same values, on fewer points.
    t, x, y = t[last], np.round(x[last]), np.round(y[last])
    if t.size < MIN_MOVES:
        return out
    dt = np.diff(t)
    dx, dy = np.diff(x), np.diff(y)
    dist = np.sqrt(dx * dx + dy * dy)
    # A click between two moves ends the stroke: the move before each click (the last at or
    # before it) starts a step that the click breaks, unless no move follows.
    brk = dt > STROKE_GAP_MS
    before_click = np.searchsorted(t, click_t, side="right") - 1
    brk[before_click[(before_click >= 0) & (before_click < dt.size)]] = True
    vi = np.flatnonzero(~brk)
    if vi.size < MIN_MOVES:
        return out
    seg_stroke = np.cumsum(brk)[vi]
    new = np.empty(vi.size, dtype=bool)
    new[0] = True
    new[1:] = (seg_stroke[1:] != seg_stroke[:-1]) | (vi[1:] != vi[:-1] + 1)
    cid = np.cumsum(new) - 1
    k = int(cid[-1]) + 1
    starts_pos = np.flatnonzero(new)
    start_pt = vi[starts_pos]
    end_pt = vi[np.append(starts_pos[1:] - 1, vi.size - 1)] + 1
    nseg = np.bincount(cid, minlength=k)

    d = dist[vi]
    path = np.bincount(cid, d, minlength=k)
    ex, ey = x[end_pt] - x[start_pt], y[end_pt] - y[start_pt]
    chord = np.hypot(ex, ey)
    duration = t[end_pt] - t[start_pt]
    big = path > 50.0
    straight = np.where(big, chord / np.maximum(path, 1e-9), NAN)
    out["mouse_straightness"] = median(straight[big], NAN)
    out["mouse_straight_share"] = share(straight[big] > 0.995, NAN)

    # Turning angles between consecutive moving segments of the same stroke, the hand's own.
    moving = d > 0
    steered = moving if drags is None else moving & ~within(t[vi + 1], drags)
    mi = vi[steered]
    mc = cid[steered]
    ux, uy = dx[mi], dy[mi]
    same = (mc[1:] == mc[:-1]) & (mi[1:] == mi[:-1] + 1)
    # Signed angle between consecutive steps, from their cross and dot products.
    turn = np.arctan2(ux[:-1] * uy[1:] - uy[:-1] * ux[1:], ux[:-1] * ux[1:] + uy[:-1] * uy[1:])[
        same
    ]
    if turn.size >= 10:
        bends = np.abs(turn)
        bends = bends[bends < REVERSAL_RAD]
        out["mouse_turn_mean_abs"] = float(bends.mean()) if bends.size else 0.0
        nz = turn[np.abs(turn) >= 1e-3]
        out["mouse_turn_flip_share"] = share((nz[1:] > 0) != (nz[:-1] > 0), NAN)
    out["mouse_tiny_step_share"] = share(d[moving] <= 1.5, NAN)

    # Speed, acceleration and jerk within strokes (px/ms).
    v = d / np.maximum(dt[vi], 0.5)
    sum_v = np.bincount(cid, v, minlength=k)
    sum_v2 = np.bincount(cid, v * v, minlength=k)
    mean_v = sum_v / np.maximum(nseg, 1)
    sd_v = np.sqrt(np.maximum(sum_v2 / np.maximum(nseg, 1) - mean_v**2, 0.0))
    long = (nseg >= 6) & (mean_v > 0)
    out["mouse_speed_cv"] = median(sd_v[long] / mean_v[long], NAN)
    out.update(speed_changes(t, x, y, dt, brk))

    # Where in the stroke the peak speed falls (0 start .. 1 end).
    peak_v = np.maximum.reduceat(v, starts_pos)
    at_peak = np.where(v == peak_v[cid], np.arange(v.size), -1)
    peak_seg = np.maximum.reduceat(at_peak, starts_pos)
    peak_time = t[vi[peak_seg] + 1] - t[start_pt]
    pos = peak_time / np.maximum(duration, 1e-9)
    out["mouse_peak_position"] = median(pos[long & (duration > 0)], NAN)

    # Sub-movements: local maxima of the smoothed speed, per second of movement.
    vs = np.convolve(v, np.ones(3) / 3.0, mode="same")
    inner = (cid[1:-1] == cid[:-2]) & (cid[1:-1] == cid[2:])
    peaks = inner & (vs[1:-1] > vs[:-2]) & (vs[1:-1] >= vs[2:]) & (vs[1:-1] > 0.05)
    moving_time = float(duration.sum()) / 1000.0
    if moving_time > 0.5:
        out["mouse_speed_peaks_per_s"] = float(peaks.sum()) / moving_time

    # Overshoot: the path goes past its own end point along the stroke's direction.
    aim = chord > AIMED_PX
    if aim.sum() >= 3:
        ux = np.where(aim, ex / np.maximum(chord, 1e-9), 0.0)[cid]
        uy = np.where(aim, ey / np.maximum(chord, 1e-9), 0.0)[cid]
        px, py = x[vi + 1] - x[start_pt][cid], y[vi + 1] - y[start_pt][cid]
        proj = px * ux + py * uy
        reach = np.maximum.reduceat(proj, starts_pos)
        out["mouse_overshoot_share"] = share(reach[aim] > chord[aim] + 3.0)

    in_stroke_dt = dt[dt <= STROKE_GAP_MS]
    out["mouse_pause_share"] = share(in_stroke_dt > 60.0, NAN)

    fit = aim & (duration > 0)
    if fit.sum() >= 5:
        difficulty = np.log2(chord[fit] / 20.0 + 1.0)
        dur = duration[fit]
        if difficulty.std() > 0 and dur.std() > 0:
            out["mouse_fitts_r"] = correlation(difficulty, dur)
    aimed = (chord >= AIMED_PX) & (nseg >= 4) & (duration > 0)
    if aimed.sum() >= MIN_AIMED:
        strokes = (starts_pos, start_pt, path, duration)
        out["mouse_profile_spread"] = profile_spread(t, vi, d, cid, strokes, aimed)
    if sparse_stream(raw_dt):
        for name in SAMPLING_SENSITIVE:
            out[name] = NAN
    return out


def long_holds(down: np.ndarray, up: np.ndarray, min_ms: float = DRAG_MS) -> np.ndarray:
    """``(k, 2)`` start and end (ms) of each press held ``min_ms`` or longer: each press
    ends at the first release at or after it."""
    if down.size == 0 or up.size == 0:
        return np.empty((0, 2))
    ups = np.sort(up)
    at = np.searchsorted(ups, down, side="left")
    ok = at < ups.size
    start, end = down[ok], ups[at[ok]]
    long = end - start >= min_ms
    return np.column_stack([start[long], end[long]])


def within(t: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """Whether each time of ``t`` falls inside one of ``spans`` (``(k, 2)``, any order, may
    overlap)."""
    if spans.size == 0:
        return np.zeros(t.size, dtype=bool)
    order = np.argsort(spans[:, 0])
    starts, ends = spans[order, 0], np.maximum.accumulate(spans[order, 1])
    i = np.searchsorted(starts, t, side="right") - 1
    return (i >= 0) & (t <= ends[i.clip(0)])


def position_noise(x: np.ndarray, y: np.ndarray, brk: np.ndarray) -> float:
    """The session's own position noise (px): how far each point lies from the chord of its
    two neighbours, across that chord (speeding up or braking along the path does not show
    in it), as a robust standard deviation; at least ``GRID_NOISE_PX``. ``nan`` with fewer
    than ``MIN_MOVES`` chords of 2 px or more. ``x``, ``y`` the framed points ``(n,)``;
    ``brk`` ``(n - 1,)`` true where a step is not part of a stroke."""
    inside = ~brk[1:] & ~brk[:-1]
    cx, cy = (x[2:] - x[:-2])[inside], (y[2:] - y[:-2])[inside]
    mx = (x[1:-1] - 0.5 * (x[2:] + x[:-2]))[inside]
    my = (y[1:-1] - 0.5 * (y[2:] + y[:-2]))[inside]
    chord = np.hypot(cx, cy)
    long = chord >= 2.0
    if long.sum() < MIN_MOVES:
        return NAN
    across = np.abs(mx[long] * cy[long] - my[long] * cx[long]) / chord[long]
    return max(1.4826 * median(across), GRID_NOISE_PX)


def speed_changes(
    t: np.ndarray, x: np.ndarray, y: np.ndarray, dt: np.ndarray, brk: np.ndarray
) -> dict[str, float]:
    """``mouse_accel_flip_share`` and ``mouse_jerk_ratio``, read only on runs of steps between
    ``NOISE_BAND`` times the session's own position noise long.

    Both measure how much of the step-to-step change in speed is noise. Taken on every step,
    that is mostly the device: on short steps the sensor's and the pixel grid's noise swamp
    the hand's speed, so a source whose people move in longer steps (or whose mouse is
    finer) read as "too smooth" to a model that never saw it. Among steps of the same length
    relative to the session's own noise, the noise weighs alike on every device, and what is
    left is how the hand (or the generator) changes speed. Points framed ``(n,)``; ``dt`` and
    ``brk`` per step ``(n - 1,)``. ``nan`` when too few steps fall in the band."""
    out = {"mouse_accel_flip_share": NAN, "mouse_jerk_ratio": NAN}
    noise = position_noise(x, y, brk)
    if np.isnan(noise):
        return out
    dist = np.hypot(np.diff(x), np.diff(y))
    lo, hi = NOISE_BAND
    vi = np.flatnonzero(~brk & (dist >= lo * noise) & (dist <= hi * noise))
    if vi.size < MIN_MOVES:
        return out
    v = dist[vi] / np.maximum(dt[vi], 0.5)
    # A speed change counts only between two steps in a row (same run of in-band steps).
    same_v = vi[1:] == vi[:-1] + 1
    dv = np.diff(v)
    dv_in = dv[same_v]
    if dv_in.size < 10:
        return out
    nzdv = dv_in[dv_in != 0]
    out["mouse_accel_flip_share"] = share((nzdv[1:] > 0) != (nzdv[:-1] > 0), NAN)
    d2v = np.diff(dv)[same_v[1:] & same_v[:-1]]
    denom = float(np.abs(dv_in).mean())
    out["mouse_jerk_ratio"] = float(np.abs(d2v).mean() / denom) if denom > 0 and d2v.size else 0.0
    return out


def profile_spread(
    t: np.ndarray,
    vi: np.ndarray,
    d: np.ndarray,
    cid: np.ndarray,
    strokes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    aimed: np.ndarray,
) -> float:
    """``mouse_profile_spread``: how much a session's aimed strokes differ from one another in
    when the pointer gets where (the share of a stroke's time spent by each share of its path).

    No two movements of a hand are alike: one starts slowly, the next hesitates halfway or
    brakes early onto a small target. A generator that draws every stroke from one easing
    curve repeats itself, however human each stroke looks alone (a fixed WindMouse, a Bezier
    with one tween). Each aimed stroke is read at ``PROFILE_AT`` of its path length; the
    spread is the root of the median, over those points, of the variance across strokes.
    Framed times ``t`` ``(n,)``; the in-stroke steps (step ``vi[j]`` runs from point ``vi[j]``
    to the next), their lengths ``d`` (px) and strokes ``cid`` ``(m,)``, in stroke order;
    ``strokes`` each stroke's first step (an index into ``vi``), first point, path length (px)
    and duration (ms), and ``aimed`` which strokes count, ``(k,)``."""
    first_step, start_pt, path, duration = strokes
    # Path covered at the end of each step, as a share of its stroke's, and time spent by then.
    run = np.cumsum(d)
    covered = run - (run - d)[first_step][cid]
    frac = np.minimum(covered / np.maximum(path[cid], 1e-9), 1.0)
    spent = (t[vi + 1] - t[start_pt][cid]) / np.maximum(duration[cid], 1e-9)
    chosen = np.flatnonzero(aimed)
    # Every step on one sorted key (its stroke, then how far along it is), so each stroke's
    # reading points are found in one search.
    key = cid + frac * 0.999
    at = np.searchsorted(key, (chosen[:, None] + PROFILE_AT * 0.999).ravel(), side="left")
    at = np.minimum(at, cid.size - 1)
    inner = at != first_step[cid[at]]
    prev = np.maximum(at - 1, 0)
    f0 = np.where(inner, frac[prev], 0.0)
    s0 = np.where(inner, spent[prev], 0.0)
    w = np.clip((np.tile(PROFILE_AT, chosen.size) - f0) / np.maximum(frac[at] - f0, 1e-9), 0, 1)
    profile = (s0 + w * (spent[at] - s0)).reshape(chosen.size, PROFILE_AT.size)
    return float(np.sqrt(np.median(profile.var(axis=0))))


def sparse_stream(raw_dt: np.ndarray) -> bool:
    """A stream whose moves come further apart than ``SPARSE_MS`` (a remote desktop, a
    throttled or coalescing client): too coarse for the shape of speed and turning, whatever
    moved the pointer. ``raw_dt`` in ms; events sharing a timestamp do not count."""
    spaced = raw_dt[(raw_dt > 0) & (raw_dt <= STROKE_GAP_MS)]
    return spaced.size >= 10 and median_above(spaced, SPARSE_MS)


# Plain-words reasons shown beside the score: (feature, test, limit, code, text). They explain;
# the fusion model, not these limits, decides the probability.
READABLE_RULES: tuple[tuple[str, Callable[[float, float], bool], float, str, str], ...] = (
    (
        "mouse_straight_share",
        operator.gt,
        0.5,
        "straight_strokes",
        "Most strokes are ruler-straight.",
    ),
    ("mouse_speed_cv", operator.lt, 0.15, "constant_speed", "The cursor moves at constant speed."),
    (
        "mouse_turn_flip_share",
        operator.lt,
        0.25,
        "smooth_curves",
        "Curves bend smoothly one way, without a hand's wobble.",
    ),
    ("mouse_jerk_ratio", operator.lt, 0.8, "low_jerk", "Speed changes too smoothly for a hand."),
    (
        "mouse_overshoot_share",
        operator.eq,
        0.0,
        "no_overshoot",
        "The cursor never overshoots a target.",
    ),
)


class MouseDetector:
    name = "mouse"
    title = "Mouse dynamics"
    learned = True
    feature_names = FEATURES
    sides: Mapping[str, int] = MappingProxyType(
        {
            "mouse_pause_share": -1,
            "mouse_tiny_step_share": -1,
            "mouse_overshoot_share": -1,
            # Strokes that differ wildly are what hands make, and what a recorded library
            # replays: only too little variety says something.
            "mouse_profile_spread": -1,
        }
    )

    # What a feature far above / far below the typical person's value says, in words.
    describe: Mapping[str, tuple[str, str]] = MappingProxyType(
        {
            "mouse_straightness": (
                "Strokes run straighter than a hand's.",
                "Strokes loop and bend more than a hand's.",
            ),
            "mouse_straight_share": (
                "Many strokes are ruler-straight.",
                "Strokes are never straight.",
            ),
            "mouse_turn_mean_abs": (
                "The path turns sharply at every step, like added noise.",
                "The path barely turns from step to step.",
            ),
            "mouse_turn_flip_share": (
                "The path zig-zags at every step.",
                "Curves bend smoothly one way, without a hand's wobble.",
            ),
            "mouse_speed_cv": (
                "Speed swings more than a hand's.",
                "The cursor moves at nearly constant speed.",
            ),
            "mouse_accel_flip_share": (
                "Speed flickers up and down from step to step.",
                "Speed changes too smoothly for a hand.",
            ),
            "mouse_jerk_ratio": (
                "Speed is jerkier than a hand's.",
                "Speed changes too smoothly for a hand.",
            ),
            "mouse_peak_position": (
                "Strokes reach top speed late, where hands brake.",
                "Strokes reach top speed unusually early.",
            ),
            "mouse_speed_peaks_per_s": (
                "Strokes break into many bursts of speed.",
                "Strokes lack a hand's corrective sub-movements.",
            ),
            "mouse_overshoot_share": (
                "The cursor overshoots unusually often.",
                "The cursor never overshoots a target.",
            ),
            "mouse_pause_share": (
                "The cursor pauses mid-stroke unusually often.",
                "The cursor never pauses mid-stroke.",
            ),
            "mouse_fitts_r": (
                "Movement time follows distance by formula (Fitts's law).",
                "Movement time ignores distance.",
            ),
            "mouse_tiny_step_share": (
                "Many moves are single-pixel steps.",
                "Too few tiny corrective moves.",
            ),
            "mouse_dt_spread": (
                "Pointer timing is irregular, unlike a display's frames.",
                "Pointer events arrive on a too-even clock.",
            ),
            "mouse_profile_spread": (
                "Strokes differ widely in how their speed unfolds.",
                "Every stroke speeds up and slows down the same way, as one formula does.",
            ),
        }
    )

    def extract(self, session: SessionInput) -> Evidence:
        t = column(session, "mousemove", "t")
        x = column(session, "mousemove", "x")
        y = column(session, "mousemove", "y")
        clicks = column(session, "click", "t")
        drags = long_holds(column(session, "mousedown", "t"), column(session, "mouseup", "t"))
        features = mouse_features(t, x, y, clicks, drags)
        reasons = [
            Reason(code, text, round(features[name], 3))
            for name, beyond, limit, code, text in READABLE_RULES
            if beyond(features[name], limit)
        ]
        # Measured means a feature came out: moves that are each a jump onto a target are
        # moves, but no stroke to read.
        measured = any(np.isfinite(v) for v in features.values())
        return Evidence(features=features, reasons=tuple(reasons), observed=measured)
