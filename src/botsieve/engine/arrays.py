"""Small array helpers shared by the detectors.

Every helper is total: empty or all-``nan`` input gives a documented neutral value rather than
an exception or a warning, so one missing event type never breaks an analysis.
"""

from __future__ import annotations

import math

import numpy as np

from botsieve.engine.types import SessionInput

_EMPTY = np.zeros(0)


def column(session: SessionInput, event_type: str, name: str) -> np.ndarray:
    """The ``name`` column of ``event_type`` events, shape ``(n,)``; empty if absent."""
    cols = session.events.get(event_type)
    if not cols or name not in cols:
        return _EMPTY
    return np.asarray(cols[name])


def count(session: SessionInput, event_type: str) -> int:
    return len(column(session, event_type, "t"))


def touch_only(session: SessionInput) -> bool:
    """A phone or tablet session: touches and next to no pointer movement. Its keys come from
    an on-screen keyboard (no real holds, whole words from autocorrect), so typing rhythm and
    keyless text are not measured for it."""
    return count(session, "touchstart") > 0 and count(session, "mousemove") < 20


def median(a: np.ndarray, default: float = 0.0) -> float:
    return float(np.median(a)) if a.size else default


def mean(a: np.ndarray, default: float = 0.0) -> float:
    return float(a.mean()) if a.size else default


def robust_cv(a: np.ndarray, default: float = 0.0) -> float:
    """Median absolute deviation over the median: a spread that ignores outliers."""
    if a.size < 3:
        return default
    m = float(np.median(a))
    if m <= 0:
        return default
    return float(np.median(np.abs(a - m)) / m)


def cv(a: np.ndarray, default: float = 0.0) -> float:
    if a.size < 3:
        return default
    m = float(a.mean())
    if m <= 0:
        return default
    return float(a.std() / m)


def entropy(a: np.ndarray, bin_width: float, default: float = 0.0) -> float:
    """Shannon entropy (bits) of ``a`` binned at ``bin_width``; 0 when all values share a bin."""
    if a.size < 3:
        return default
    bins = np.floor(a / bin_width).astype(np.int64)
    bins -= bins.min()
    counts = np.bincount(np.minimum(bins, 100_000))
    counts = counts[counts > 0]
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def mode_share(a: np.ndarray, default: float = 0.0) -> float:
    """Share of ``a`` (rounded to whole units, e.g. ms) taken by its commonest value."""
    if a.size == 0:
        return default
    r = np.round(a).astype(np.int64)
    r -= r.min()
    return float(np.bincount(np.minimum(r, 100_000)).max() / a.size)


def share(mask: np.ndarray, default: float = 0.0) -> float:
    return float(mask.mean()) if mask.size else default


def finite(value: float, default: float = 0.0) -> float:
    return value if math.isfinite(value) else default
