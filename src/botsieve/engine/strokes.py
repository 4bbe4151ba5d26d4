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
measured distances). Pure numpy, shapes in the docstrings.
"""

from __future__ import annotations

import numpy as np

POINTS = 12
STROKE_DIM = 3 * (POINTS - 2)
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
    return np.concatenate((shape.real, shape.imag, 4.0 * tau[1:-1]))


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
    descriptions together (root mean square)."""
    if own.shape[0] == 0 or others.ndim != 2 or others.shape[0] == 0:
        return 0
    if others.shape[1] != STROKE_DIM or own.shape[1] != STROKE_DIM:
        return 0
    a = own.astype(np.float32)
    b = others.astype(np.float32)
    # Squared distances through one matrix product: |a|^2 + |b|^2 - 2ab.
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    nearest = np.sqrt(np.maximum(d2.min(axis=1), 0.0) / STROKE_DIM)
    return int((nearest <= MATCH_DISTANCE).sum())
