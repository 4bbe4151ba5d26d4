"""A red team: an attacker who knows the features searches a parameterised bot against the
live model with a fixed query budget, and reports how low a score it reached.

The generator has ``len(PARAMETERS)`` knobs, each in [0, 1]: pointer speed and Fitts timing,
curvature and its asymmetry, tremor, jitter, overshoot and corrective sub-movements, pauses
inside strokes, the event clock, click offsets, thinking times, key holds, flights, rollover and
typos, idle drift. It draws no recorded human motion: what it reaches is what a feature-aware
attacker gets without stealing strokes. The search is random sampling for a fifth of the
budget, then a (1 + 4) evolution strategy with step-size adaptation around the best so far;
each query is one ``analyze`` of one generated session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from botsieve.engine import analyze
from botsieve.engine.model import Model
from botsieve.engine.types import SessionInput
from botsieve.evaluation import zoo
from botsieve.evaluation.builder import SessionBuilder
from botsieve.evaluation.environments import human_environment

# (name, low, high): each knob's range; the search sees [0, 1].
PARAMETERS: tuple[tuple[str, float, float], ...] = (
    ("fitts_a_ms", 50.0, 300.0),
    ("fitts_b_ms", 50.0, 300.0),
    ("curvature", 0.0, 0.5),
    ("asymmetry", 0.2, 0.8),
    ("tremor_px", 0.0, 3.0),
    ("tremor_hz", 4.0, 12.0),
    ("jitter_px", 0.0, 2.0),
    ("overshoot_p", 0.0, 1.0),
    ("overshoot_frac", 0.0, 0.3),
    ("correction_p", 0.0, 1.0),
    ("pause_p", 0.0, 0.5),
    ("pause_ms", 60.0, 300.0),
    ("frame_ms", 8.0, 33.0),
    ("frame_jitter_ms", 0.0, 4.0),
    ("click_spread", 0.0, 0.5),
    ("think_ms", 300.0, 6000.0),
    ("think_sigma", 0.1, 1.2),
    ("hold_ms", 40.0, 180.0),
    ("hold_sigma", 0.05, 0.6),
    ("flight_ms", 80.0, 450.0),
    ("flight_sigma", 0.1, 0.8),
    ("rollover_p", 0.0, 0.5),
    ("typo_p", 0.0, 0.15),
    ("drift_p", 0.0, 1.0),
    ("press_ms", 40.0, 200.0),
)


def _knobs(u: np.ndarray) -> dict[str, float]:
    u = np.clip(u, 0.0, 1.0)
    return {
        name: lo + float(v) * (hi - lo) for (name, lo, hi), v in zip(PARAMETERS, u, strict=True)
    }


def _stroke(
    k: dict[str, float], rng: np.random.Generator, a: np.ndarray, b: np.ndarray, t0: float
) -> zoo.Path:
    dist = float(np.hypot(*(b - a)))
    ms = k["fitts_a_ms"] + k["fitts_b_ms"] * np.log2(dist / 20.0 + 1.0)
    end = b
    if rng.random() < k["overshoot_p"]:
        end = b + (b - a) * k["overshoot_frac"] * rng.uniform(0.3, 1.0)
    n = max(3, int(ms / k["frame_ms"]))
    s = np.linspace(0, 1, n + 1)[1:]
    ease = s**2 * (3 - 2 * s) if k["asymmetry"] < 0.5 else 1 - (1 - s) ** (1 + 2 * k["asymmetry"])
    d = end - a
    normal = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-9)
    bow = k["curvature"] * dist * np.sin(np.pi * ease) * rng.choice([-1.0, 1.0])
    pts = a + ease[:, None] * d + (bow[:, None] * normal)
    times = t0 + np.cumsum(k["frame_ms"] + rng.normal(0, k["frame_jitter_ms"] + 1e-9, n))
    wobble = k["tremor_px"] * np.sin(2 * np.pi * k["tremor_hz"] * (times - t0) / 1000.0)
    pts = pts + wobble[:, None] * normal + rng.normal(0, k["jitter_px"] + 1e-9, pts.shape)
    pause = rng.random(n) < k["pause_p"] / 10.0
    times = times + np.cumsum(pause * k["pause_ms"])
    if not np.array_equal(end, b) or rng.random() < k["correction_p"] * 0.3:
        m = max(3, int(rng.uniform(100, 250) / k["frame_ms"]))
        s2 = np.linspace(0, 1, m + 1)[1:, None]
        pts = np.vstack([pts, pts[-1] + s2 * (b - pts[-1])])
        times = np.r_[times, times[-1] + np.cumsum(np.full(m, k["frame_ms"]))]
    pts[-1] = b
    return times, np.round(pts[:, 0]), np.round(pts[:, 1])


def session_from(u: np.ndarray, rng: np.random.Generator) -> SessionInput:
    """One survey answered by the generator with knobs ``u`` (shape ``(len(PARAMETERS),)``)."""
    k = _knobs(u)
    b = SessionBuilder(environment=human_environment(rng))
    pos = np.array([rng.uniform(100, 1200), rng.uniform(100, 700)])
    t = float(rng.uniform(800, 2500))
    for p, page in enumerate(zoo.make_layout(rng)):
        b.page(t, f"p{p}", "shown")
        for target in page:
            t += float(rng.lognormal(np.log(k["think_ms"]), k["think_sigma"]))
            if rng.random() < k["drift_p"] * 0.5:
                end = pos + rng.normal(0, 15, 2)
                dt_, dx_, dy_ = _stroke(k, rng, pos, end, t - 400.0)
                b.moves(dt_, dx_, dy_)
            aim = np.array(zoo.aim_point(rng, target, centre=False))
            aim = aim + rng.normal(0, k["click_spread"] * 10.0, 2)
            mt, mx, my = _stroke(k, rng, pos, aim, t)
            b.moves(mt, mx, my)
            t = float(mt[-1]) + float(rng.uniform(30, 150))
            pos = np.array([mx[-1], my[-1]])
            b.click(
                t,
                pos[0],
                pos[1],
                press_ms=float(rng.lognormal(np.log(k["press_ms"]), 0.25)),
                target=(target.cx, target.cy, target.w, target.h),
            )
            t += 150.0
            if target.text_length:
                t = _type(k, rng, b, t + float(rng.uniform(300, 900)), target.text_length)
        b.page(t + 5.0, f"p{p}", "submitted")
        t += float(rng.uniform(150, 600))
    return b.build()


def _type(
    k: dict[str, float], rng: np.random.Generator, b: SessionBuilder, t0: float, n: int
) -> float:
    key = np.where(rng.random(n) < 0.18, zoo.SPACE, zoo.LETTER)
    key = np.where(rng.random(n) < k["typo_p"], zoo.BACKSPACE, key)
    pos = np.where(key == zoo.SPACE, 32, np.where(key == zoo.BACKSPACE, 8, rng.integers(65, 91, n)))
    hold = rng.lognormal(np.log(k["hold_ms"]), k["hold_sigma"], n)
    flight = rng.lognormal(np.log(k["flight_ms"]), k["flight_sigma"], n)
    flight = np.where(rng.random(n) < k["rollover_p"], np.minimum(flight, hold * 0.6), flight)
    press = t0 + np.cumsum(flight)
    b.keys(press, press + hold, key, pos)
    return float((press + hold).max()) + 100.0


def search(
    model: Model,
    budget: int = 1000,
    seed: int = 3,
    score: Callable[[SessionInput, Model], float] | None = None,
) -> dict[str, Any]:
    """Search the knobs for the lowest bot probability within ``budget`` queries."""
    rng = np.random.default_rng(seed)
    judge = score or (lambda s, m: analyze(s, m).bot_probability)
    dim = len(PARAMETERS)
    best_u, best_p = rng.random(dim), 1.0
    below, first_below = 0, None
    step = 0.2
    for query in range(budget):
        if query < budget // 5:
            u = rng.random(dim)
        else:
            u = np.clip(best_u + rng.normal(0, step, dim), 0, 1)
        p = judge(session_from(u, np.random.default_rng([seed, query])), model)
        if p < model.threshold:
            below += 1
            first_below = query + 1 if first_below is None else first_below
        if p < best_p:
            best_u, best_p = u, p
            step = min(step * 1.5, 0.3)
        elif query >= budget // 5 and query % 4 == 3:
            step = max(step * 0.85, 0.02)
    return {
        "queries": budget,
        "parameters": dim,
        "best_probability": best_p,
        "threshold": model.threshold,
        "below_threshold": below,
        "first_below_threshold_at": first_below,
        "best_knobs": {name: round(v, 3) for name, v in _knobs(best_u).items()},
    }
