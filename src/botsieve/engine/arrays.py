"""Small array helpers shared by the detectors.

Every helper is total: empty or all-``nan`` input gives a documented neutral value rather than
an exception or a warning, so one missing event type never breaks an analysis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

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
    """``np.median`` of ``a`` (``nan`` when ``a`` holds one), or ``default`` when empty.

    One partition, as ``np.median`` does, without its fixed cost (several times the partition
    itself on the few hundred values a session's medians are taken over)."""
    n = a.size
    if n == 0:
        return default
    half = n // 2
    # The last place is partitioned too: ``nan`` sorts last, so it shows there.
    if n % 2:
        part = np.partition(a, (half, n - 1))
        middle = float(part[half])
    else:
        part = np.partition(a, (half - 1, half, n - 1))
        middle = float((part[half - 1] + part[half]) * 0.5)
    return math.nan if math.isnan(part[-1]) else middle


def median_above(a: np.ndarray, limit: float) -> bool:
    """``median(a) > limit`` for a non-empty ``a`` without ``nan``, by counting: no partition
    of a whole pointer stream (thousands of values) to answer one comparison."""
    n = a.size
    half = n // 2
    above = a > limit
    count = int(above.sum())
    # Sorted, the middle value(s) sit at ``half`` (and ``half - 1`` when ``n`` is even).
    if count < n - half:
        return False
    if n % 2 or count > n - half:
        return True
    # Even n, exactly one middle value above the limit: their mean decides.
    return float(a[above].min() + a[~above].max()) * 0.5 > limit


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's r of two equal-length arrays with non-zero spread (``np.corrcoef``'s value
    without its matrix machinery)."""
    da, db = a - a.mean(), b - b.mean()
    return float(np.dot(da, db) / math.sqrt(float(np.dot(da, da)) * float(np.dot(db, db))))


def mean(a: np.ndarray, default: float = 0.0) -> float:
    return float(a.mean()) if a.size else default


def robust_cv(a: np.ndarray, default: float = 0.0) -> float:
    """Median absolute deviation over the median: a spread that ignores outliers."""
    if a.size < 3:
        return default
    m = median(a)
    if m <= 0:
        return default
    return median(np.abs(a - m)) / m


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


def code_table(codes: Iterable[int], size: int) -> np.ndarray:
    """A lookup table for ``in_codes``: True at each of ``codes`` among ``size`` codes, and one
    False place past the end for values outside ``0 .. size - 1``."""
    table = np.zeros(size + 1, dtype=bool)
    table[list(codes)] = True
    return table


def in_codes(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``np.isin(values, codes)`` for small integer codes, by one lookup in ``table`` (from
    ``code_table``): a tenth of ``np.isin``'s cost on the few hundred inputs of a session."""
    outside = table.size - 1
    return table[np.where((values >= 0) & (values < outside), values, outside)]


def share(mask: np.ndarray, default: float = 0.0) -> float:
    return float(mask.mean()) if mask.size else default


def finite(value: float, default: float = 0.0) -> float:
    return value if math.isfinite(value) else default
