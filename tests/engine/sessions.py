"""Small generated sessions for the engine's tests (no corpus data)."""

from __future__ import annotations

import numpy as np

from botsieve.engine.types import SessionInput
from botsieve.evaluation.builder import SessionBuilder
from botsieve.evaluation.environments import human_environment
from botsieve.evaluation.zoo import FAMILIES, bot_session

__all__ = ["bot_session", "hand_session", "pointed_clicks", "straight_session", "wobbly_path"]


def wobbly_path(rng: np.random.Generator, n: int, start: float = 0.0) -> tuple[np.ndarray, ...]:
    """A hand-like path at 60 Hz in whole ms: aimed strokes whose speed peaks early, that bend
    and sometimes miss and correct, with a little tremor, separated by log-normal pauses."""
    ts, xs, ys = [], [], []
    t, pos = start, np.array([300.0, 300.0])
    while sum(len(a) for a in ts) < n:
        aim = pos + rng.normal(0, 250, 2)
        miss = aim + rng.normal(0, 12, 2) if rng.random() < 0.5 else aim
        k = int(rng.integers(15, 50))
        s = np.linspace(0, 1, k) ** rng.uniform(0.6, 0.9)  # speed peaks before the middle
        ease = 10 * s**3 - 15 * s**4 + 6 * s**5
        d = miss - pos
        normal = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1.0)
        bend = np.sin(np.pi * ease) * rng.normal(0, 0.08) * float(np.hypot(*d))
        pts = pos + ease[:, None] * d + bend[:, None] * normal + rng.normal(0, 0.5, (k, 2))
        if not np.array_equal(miss, aim):
            c = np.linspace(0, 1, int(rng.integers(6, 15)))[1:, None]
            pts = np.vstack([pts, miss + (10 * c**3 - 15 * c**4 + 6 * c**5) * (aim - miss)])
        dt = 1000 / 60 + rng.normal(0, 1.0, len(pts))
        dt[rng.random(len(pts)) < 0.04] += rng.uniform(60, 250)
        tt = t + np.cumsum(np.clip(dt, 8, None))
        ts.append(tt)
        xs.append(np.round(pts[:, 0]))
        ys.append(np.round(pts[:, 1]))
        t, pos = float(tt[-1]) + float(rng.lognormal(np.log(700), 0.9)), pts[-1]
    return np.concatenate(ts)[:n].round(), np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def hand_session(seed: int = 0, moves: int = 1500) -> SessionInput:
    """A person-like session: wobbly strokes, clicks after moves, uneven typing, pages."""
    rng = np.random.default_rng(seed)
    b = SessionBuilder(environment=human_environment(rng))
    t, x, y = wobbly_path(rng, moves, start=800.0)
    b.moves(t, x, y)
    ends = np.flatnonzero(np.diff(t) > 250)[:12]
    for i in ends:
        b.click(
            float(t[i]) + 60,
            float(x[i]),
            float(y[i]),
            press_ms=float(rng.normal(95, 20)),
            target=(float(x[i]) + 3, float(y[i]) - 2, 120, 30),
        )
    start = float(t[-1]) + 800
    n = 60
    press = start + np.cumsum(rng.lognormal(np.log(190), 0.45, n))
    key = np.where(rng.random(n) < 0.18, 2, 0)
    b.keys(press, press + rng.lognormal(np.log(100), 0.25, n), key, rng.integers(65, 91, n))
    for p, (a, z) in enumerate(
        ((0.0, t[300]), (t[300] + 400, t[900]), (t[900] + 400, press[-1] + 500))
    ):
        b.page(float(a), f"p{p}", "shown")
        b.page(float(z), f"p{p}", "submitted")
    return b.build()


def straight_session(seed: int = 0) -> SessionInput:
    """The spec's failing case: straight constant-speed moves and 50 ms keystrokes (the
    scripted family always moving its pointer: given as a ``Family``, it never drops it)."""
    return bot_session(FAMILIES["scripted"], np.random.default_rng(seed))


def pointed_clicks(centre: int, n: int = 6) -> SessionBuilder:
    """``n`` clicks each reached by a short stroke, the first ``centre`` on the exact centre."""
    b = SessionBuilder()
    for i in range(n):
        t, cx = 2000.0 * (i + 1), 100.0 + 150 * i
        b.moves(
            t - np.array([60.0, 40.0, 20.0]), cx - np.array([30.0, 15.0, 4.0]), np.full(3, 300.0)
        )
        x = cx if i < centre else cx + 4
        b.click(t, x, 300.0, target=(cx, 300.0, 40, 20))
    return b
