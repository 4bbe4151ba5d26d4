"""A session's trajectory signature, for finding replayed mouse paths across sessions.

The service stores ``trajectory_signature(...)`` per session and passes recent signatures of
the same survey back in ``CrossSessionContext.trajectory_signatures``. The signature is the
pointer path, lightly smoothed (so added jitter washes out), resampled at ``POINTS`` equal
steps of arc length (so time warping changes nothing) and centred (so a shifted window changes
nothing). Steps under ``DEAD_BAND_PX`` of the smoothed path count as no travel, so a replay's
added jitter does not stretch its arc length. ``2 * POINTS`` float64 numbers, x then y
interleaved, in CSS px.
"""

from __future__ import annotations

import numpy as np

POINTS = 64
SIGNATURE_DIM = 2 * POINTS
MIN_MOVES = 30
_SMOOTH = 5
DEAD_BAND_PX = 2.0


def trajectory_signature(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Signature of the path through ``x``, ``y`` (CSS px, shape ``(n,)``, in time order).

    Shape ``(SIGNATURE_DIM,)``, or ``(0,)`` when the path is too short to compare.
    """
    if x.size < MIN_MOVES:
        return np.zeros(0)
    kernel = np.ones(_SMOOTH) / _SMOOTH
    xs = np.convolve(x, kernel, mode="valid")
    ys = np.convolve(y, kernel, mode="valid")
    step = np.maximum(np.hypot(np.diff(xs), np.diff(ys)) - DEAD_BAND_PX, 0.0)
    arc = np.concatenate(([0.0], np.cumsum(step)))
    if arc[-1] < 50.0:
        return np.zeros(0)
    at = np.linspace(0.0, arc[-1], POINTS)
    rx = np.interp(at, arc, xs)
    ry = np.interp(at, arc, ys)
    rx -= rx.mean()
    ry -= ry.mean()
    return np.column_stack((rx, ry)).ravel()


def signature_distance(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Root-mean-square point distance (px) from ``signature`` to each row of ``others``
    (shape ``(k, SIGNATURE_DIM)``); rows of the wrong width are ignored (``inf``)."""
    if signature.size != SIGNATURE_DIM or others.ndim != 2 or others.shape[0] == 0:
        return np.full(others.shape[0] if others.ndim == 2 else 0, np.inf)
    if others.shape[1] != SIGNATURE_DIM:
        return np.full(others.shape[0], np.inf)
    diff = (others - signature).reshape(others.shape[0], POINTS, 2)
    return np.sqrt((diff**2).sum(axis=2).mean(axis=1))
