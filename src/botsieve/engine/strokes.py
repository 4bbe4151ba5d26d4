"""Stroke signatures: finding recorded human strokes reused across sessions.

A farm that owns a library of recorded strokes reshapes each one onto the new start and target
(rotated, scaled, morphed) and replays it with its own timing, so no whole path repeats; but the
stroke's own shape and rhythm do. A stroke's signature takes out everything a reshaping changes:
the stroke is resampled at ``POINTS`` equal steps of arc length, moved, turned and scaled so its
chord runs from (0, 0) to (1, 0), and described by how far it bends off that chord (lateral and
along it) and how its time is spent along the way (the time fraction at each point). Strokes
too straight to tell apart (``MIN_BEND``) are left out: any two straight strokes look alike.

Two people's strokes almost never agree to within ``MATCH_DISTANCE`` on all three descriptions
at once; a reused stroke does, jitter and time warp included (see docs/detection.md for the
measured distances).

A replay tool working at the operating system's level morphs a stroke differently: it moves
the recording to the pointer and spreads the error at the end along the way, q(u) = p(s(u)) -
p(0) + s(u) E (s: the fraction of the recording's path, u: of its time, which the tool keeps).
That bends the stroke anew, but two replays of one recording, each taken from its own start
and less its chord at each time fraction, differ by (s(u) - u)(E1 - E2): points on one line
through the origin. So each signature also carries the stroke **sampled in time** (its
points at ``POINTS`` equal time fractions, less the chord's share, in px), its sideways bend,
chord and duration, and two strokes are one replayed recording when that difference lies on a
line to within ``PATH_MATCH`` of the smaller sideways bend. Pure numpy, shapes in the
docstrings.
"""

from __future__ import annotations

import numpy as np

POINTS = 12
# The arc-length description, then the time-sampled one: ``POINTS - 2`` interior points (x,
# then y), the sideways bend, the chord and the duration. Stored rows of the arc-length
# description alone (30 wide, as sessions analysed before stored them) are told apart by
# length: 2 * 30 * m bytes is never a multiple of 2 * 53 for m <= MAX_STROKES.
ARC_DIM = 3 * (POINTS - 2)
PATH_DIM = 2 * (POINTS - 2) + 3
STROKE_DIM = ARC_DIM + PATH_DIM
MAX_STROKES = 24
MIN_CHORD_PX = 60.0
MIN_FRAMES = 6
MIN_BEND = 0.04
FRAME_MS = 16.0
GAP_MS = 300.0
# Root-mean-square distance (in chord lengths) at or under which two strokes are one. Between
# different people's strokes 99.99% of nearest distances are above 0.04; a stroke reshaped from
# a library comes within 0.02 of its source (docs/detection.md).
MATCH_DISTANCE = 0.03
# How far (root mean square, in the smaller stroke's sideways bend) two strokes' time-sampled
# difference may lie off one line through the origin. People's nearest pair: 0.0275 (2,324
# strokes of 262 sessions against 14,132 of 784); half of an OS-level replay farm's strokes
# come within 0.015 of another replay of the same recording (docs/detection.md).
PATH_MATCH = 0.015
# Strokes bending sideways less than this share of their chord are left out of the time-sampled
# match (any two near-straight strokes differ along one line), and so are pairs whose durations
# differ by more than a replay's time warp does.
PATH_MIN_SIDE = 0.05
PATH_DURATION_RATIO = (0.7, 1.45)
# The sideways bend (px) under which whole-pixel rounding is most of it.
PATH_SIDE_FLOOR_PX = 3.0


def _stroke_bounds(t: np.ndarray, click_t: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) index pairs (end exclusive) of strokes: runs without a gap over
    ``GAP_MS`` or a click between two moves."""
    if t.size < 2:
        return []
    gap = np.diff(t) > GAP_MS
    clicked = np.diff(np.searchsorted(click_t, t, side="left")) > 0
    cuts = np.flatnonzero(gap | clicked) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [t.size]))
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True) if b - a >= MIN_FRAMES]


_UNIT = np.linspace(0.0, 1.0, POINTS)
_INTERIOR = _UNIT[1:-1]


def describe(t: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """One stroke's signature, shape ``(STROKE_DIM,)``, or None when it is too short or too
    straight. ``t`` ms, ``x``/``y`` CSS px, shape ``(n,)``."""
    arc = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))))
    return _describe(t, x, y, arc)


def _describe(t: np.ndarray, x: np.ndarray, y: np.ndarray, arc: np.ndarray) -> np.ndarray | None:
    """``describe`` with the stroke's arc length at each point (from 0) already known."""
    ex, ey = float(x[-1] - x[0]), float(y[-1] - y[0])
    chord = float(np.hypot(ex, ey))
    if chord < MIN_CHORD_PX or t[-1] <= t[0]:
        return None
    at = _UNIT * arc[-1]
    px, py = np.interp(at, arc, x) - x[0], np.interp(at, arc, y) - y[0]
    c, s = ex / chord, ey / chord
    along = (c * px + s * py) / chord - _UNIT
    across = (-s * px + c * py) / chord
    tau = (np.interp(at, arc, t) - t[0]) / (t[-1] - t[0]) - _UNIT
    bend = float(np.sqrt((along**2 + across**2).mean()))
    if bend < MIN_BEND:
        return None
    # The bend as complex numbers, divided by their mean: a replay tool that spreads the
    # start and end error along the stroke turns and scales the bend as a whole, and this
    # takes both out (what is left is the bend's own shape).
    z = (along + 1j * across)[1:-1]
    mean = z.mean()
    if abs(mean) < 0.25 * bend:
        return None
    shape = z / mean
    in_time = _in_time(t, x, y, ex, ey, chord)
    return np.concatenate((shape.real, shape.imag, 4.0 * tau[1:-1], in_time))


def _in_time(
    t: np.ndarray, x: np.ndarray, y: np.ndarray, ex: float, ey: float, chord: float
) -> np.ndarray:
    """The time-sampled description, shape ``(PATH_DIM,)``: at each interior time fraction u,
    the point (from the start) less u times the chord ``(ex, ey)`` of length ``chord`` (x
    values, then y), then the sideways bend (root mean square distance from the chord's line),
    the chord (px) and the duration (ms)."""
    at = t[0] + _UNIT * (t[-1] - t[0])
    qx, qy = np.interp(at, t, x) - x[0], np.interp(at, t, y) - y[0]
    side = float(np.sqrt((((ex * qy - ey * qx) / chord) ** 2).mean()))
    rx, ry = qx[1:-1] - _INTERIOR * ex, qy[1:-1] - _INTERIOR * ey
    return np.concatenate((rx, ry, [side, chord, float(t[-1] - t[0])]))


def stroke_signatures(
    t: np.ndarray, x: np.ndarray, y: np.ndarray, click_t: np.ndarray
) -> np.ndarray:
    """Signatures of a session's bent strokes, shape ``(m, STROKE_DIM)`` with
    ``m <= MAX_STROKES`` (the longest), float32. ``t`` ms, ``x``/``y`` CSS px of mousemove
    events, ``click_t`` ms of clicks, all sorted by time."""
    if t.size < MIN_FRAMES:
        return np.zeros((0, STROKE_DIM), dtype=np.float32)
    # One point per display frame, as the mouse detector measures.
    frame = np.floor((t - t[0]) / FRAME_MS).astype(np.int64)
    last = np.concatenate((frame[1:] != frame[:-1], [True]))
    t, x, y = t[last], x[last], y[last]
    arc = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))))
    bounds = _stroke_bounds(t, click_t)
    # Longest first, described until enough are found: the same strokes as describing all
    # and keeping the longest, for a fraction of the work.
    bounds.sort(key=lambda ab: arc[ab[0]] - arc[ab[1] - 1])
    rows = []
    for a, b in bounds:
        sig = _describe(t[a:b], x[a:b], y[a:b], arc[a:b] - arc[a])
        if sig is not None:
            rows.append(sig)
            if len(rows) == MAX_STROKES:
                break
    if not rows:
        return np.zeros((0, STROKE_DIM), dtype=np.float32)
    return np.array(rows, dtype=np.float32)


def reused_strokes(own: np.ndarray, others: np.ndarray) -> int:
    """How many of ``own`` ``(m, STROKE_DIM)`` strokes reappear among ``others``
    ``(M, STROKE_DIM)`` (other sessions' strokes): within ``MATCH_DISTANCE`` on the three
    arc-length descriptions together (root mean square), or replayed from one recording by
    the time-sampled test (``replayed_in_time``)."""
    if own.shape[0] == 0 or others.ndim != 2 or others.shape[0] == 0:
        return 0
    if others.shape[1] != STROKE_DIM or own.shape[1] != STROKE_DIM:
        return 0
    a = own[:, :ARC_DIM].astype(np.float32)
    b = others[:, :ARC_DIM].astype(np.float32)
    # Squared distances through one matrix product: |a|^2 + |b|^2 - 2ab.
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    nearest = np.sqrt(np.maximum(d2.min(axis=1), 0.0) / ARC_DIM)
    reshaped = nearest <= MATCH_DISTANCE
    return int((reshaped | replayed_in_time(own[:, ARC_DIM:], others[:, ARC_DIM:])).sum())


def replayed_in_time(own: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Which of ``own`` ``(m, PATH_DIM)`` time-sampled strokes are a replay of the recording
    behind one of ``others`` ``(M, PATH_DIM)``, shape ``(m,)``: their difference at each time
    fraction lies on one line through the origin, to within ``PATH_MATCH`` of the smaller
    sideways bend (the line fitted by its principal axis, from the 2x2 moments of the
    difference, worked out through dot products)."""
    n = POINTS - 2
    found = np.zeros(own.shape[0], dtype=bool)
    a = own.astype(np.float64)
    b = others.astype(np.float64)
    b = b[b[:, 2 * n] >= PATH_MIN_SIDE * b[:, 2 * n + 1]]
    if b.shape[0] == 0:
        return found
    # Sorted by duration, the others a stroke may be a replay of are one contiguous run.
    b = b[np.argsort(b[:, 2 * n + 2], kind="stable")]
    bx, by, side_b, dur_b = b[:, :n], b[:, n : 2 * n], b[:, 2 * n], b[:, 2 * n + 2]
    bxx, byy, bxy = (bx * bx).sum(1), (by * by).sum(1), (bx * by).sum(1)
    lo, hi = PATH_DURATION_RATIO
    for i in np.flatnonzero(a[:, 2 * n] >= PATH_MIN_SIDE * a[:, 2 * n + 1]):
        ax, ay, side, duration = a[i, :n], a[i, n : 2 * n], a[i, 2 * n], a[i, 2 * n + 2]
        start = int(np.searchsorted(dur_b, duration / hi, side="left"))
        end = int(np.searchsorted(dur_b, duration / lo, side="right"))
        if start >= end:
            continue
        run = slice(start, end)
        # Moments of the differences d = a - b over the time points: sum dx^2, dy^2, dx dy.
        xx = ax @ ax + bxx[run] - 2.0 * (bx[run] @ ax)
        yy = ay @ ay + byy[run] - 2.0 * (by[run] @ ay)
        xy = ax @ ay + bxy[run] - bx[run] @ ay - by[run] @ ax
        half = 0.5 * (xx - yy)
        off_line = 0.5 * (xx + yy) - np.sqrt(half * half + xy * xy)
        scale = np.maximum(np.minimum(side, side_b[run]), PATH_SIDE_FLOOR_PX)
        found[i] = bool((off_line <= n * (PATH_MATCH * scale) ** 2).any())
    return found
