"""The array helpers the detectors share give numpy's own answers, only cheaper."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from botsieve.engine.arrays import code_table, correlation, in_codes, median, median_above

# Whole ms, as the detectors see event gaps after rounding, so ties are common.
gaps = arrays(np.float64, st.integers(1, 60), elements=st.integers(0, 400).map(float))


@given(gaps)
def test_median_is_numpys(a: np.ndarray) -> None:
    assert median(a) == float(np.median(a))


def test_median_of_nothing_is_the_default_and_nan_shows() -> None:
    assert median(np.zeros(0), -1.0) == -1.0
    assert math.isnan(median(np.array([1.0, np.nan, 3.0, 4.0])))
    assert math.isnan(median(np.array([np.nan, 2.0, 1.0])))


@given(gaps, st.integers(0, 400), st.booleans())
def test_median_above_is_the_comparison(a: np.ndarray, limit: int, half_step: bool) -> None:
    bound = limit + (0.5 if half_step else 0.0)
    assert median_above(a, bound) == (float(np.median(a)) > bound)


@given(
    arrays(np.float64, 12, elements=st.floats(-1e3, 1e3)),
    arrays(np.float64, 12, elements=st.floats(-1e3, 1e3)),
)
def test_correlation_is_corrcoef(a: np.ndarray, b: np.ndarray) -> None:
    if a.std() < 1e-6 or b.std() < 1e-6:
        return
    assert math.isclose(correlation(a, b), float(np.corrcoef(a, b)[0, 1]), abs_tol=1e-9)


@given(arrays(np.int64, st.integers(0, 50), elements=st.integers(-3, 12)))
def test_in_codes_is_isin_also_outside_the_table(values: np.ndarray) -> None:
    codes = (1, 4, 7)
    table = code_table(codes, 8)
    assert np.array_equal(in_codes(values, table), np.isin(values, codes))
