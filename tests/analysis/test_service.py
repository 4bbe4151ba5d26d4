"""Stored stroke rows are read back only in the width the engine describes strokes in."""

from __future__ import annotations

import numpy as np

from botsieve import engine
from botsieve.analysis.service import _strokes
from botsieve.engine.strokes import ARC_DIM, MAX_STROKES


def test_rows_stored_before_the_time_sampled_description_are_left_out_not_misread() -> None:
    new = np.arange(2 * engine.STROKE_DIM, dtype=np.float16).reshape(2, -1)
    read = _strokes([new.tobytes()])
    assert read.shape == (2, engine.STROKE_DIM)
    assert np.array_equal(read, new.astype(np.float32))
    for m in range(1, MAX_STROKES + 1):
        old = np.ones((m, ARC_DIM), dtype=np.float16).tobytes()
        assert _strokes([old]).shape == (0, engine.STROKE_DIM), m
        assert _strokes([old, new.tobytes()]).shape == (2, engine.STROKE_DIM), m
