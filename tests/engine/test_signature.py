from __future__ import annotations

import numpy as np

from botsieve.engine.signature import SIGNATURE_DIM, signature_distance, trajectory_signature
from tests.engine.sessions import wobbly_path


def test_signature_survives_jitter_offset_and_time_warp() -> None:
    rng = np.random.default_rng(0)
    _t, x, y = wobbly_path(rng, 2500)
    own = trajectory_signature(x, y)
    assert own.shape == (SIGNATURE_DIM,)
    replay = trajectory_signature(
        np.round(x + 4 + rng.normal(0, 1.5, x.size)), np.round(y - 3 + rng.normal(0, 1.5, y.size))
    )
    other = trajectory_signature(*wobbly_path(np.random.default_rng(1), 2500)[1:])
    d = signature_distance(own, np.vstack([replay, other]))
    assert d[0] < 12.0
    assert d[1] > 50.0


def test_short_paths_and_bad_context_give_no_match() -> None:
    assert trajectory_signature(np.arange(10.0), np.arange(10.0)).size == 0
    own = trajectory_signature(*wobbly_path(np.random.default_rng(0), 500)[1:])
    assert np.isinf(signature_distance(own, np.zeros((2, 7)))).all()
    assert signature_distance(np.zeros(0), np.zeros((3, SIGNATURE_DIM))).tolist() == [np.inf] * 3
