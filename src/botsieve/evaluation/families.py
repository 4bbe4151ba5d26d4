"""Bot families built the way their authors build them, not beside the detector's features.

- ``learned_generator``: a generative model of human strokes learned from recorded people (a
  linear autoencoder: the principal components of strokes normalised onto a unit chord, with
  their timing profile, and a Gaussian over the codes), decoded onto each new start and
  target and emitted one point per display frame, as a trained cursor model drives a browser;
- ``typing_agent``: an LLM agent that types its answers key by key with human-like rhythm
  (a made-up typist's holds and flights), waits for its model between steps and sets the
  pointer on each target in one jump;
- ``os_replay``: recorded human strokes replayed at operating-system level (no automation
  flags): each stroke morphed so it starts where the pointer is and ends on the target (the
  error spread along the stroke, as replay tools do), its own timing kept with a small warp,
  and typing with a made-up typist's rhythm.

The stroke-library farm (``zoo.stroke_library_family``) completes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from botsieve.evaluation.builder import SessionBuilder
from botsieve.evaluation.typists import synthetic_typist
from botsieve.evaluation.zoo import Family, Path

FRAME_MS = 1000.0 / 60.0
POINTS = 24
COMPONENTS = 8


@dataclass(frozen=True)
class StrokeModel:
    """Mean and principal axes of normalised strokes, shape ``(3 * POINTS,)`` each: x and y on
    a unit chord from (0, 0) to (1, 0), and the time fraction at each point; ``scale`` the
    spread along each axis; ``log_ms`` a Fitts-like line (intercept, slope on log distance,
    residual spread) for a stroke's duration."""

    mean: np.ndarray
    axes: np.ndarray
    scale: np.ndarray
    log_ms: tuple[float, float, float]


def _normalise(stroke: Path) -> tuple[np.ndarray, float, float] | None:
    t, x, y = stroke
    chord = np.array([x[-1] - x[0], y[-1] - y[0]], dtype=np.float64)
    length = float(np.hypot(*chord))
    if length < 30 or t[-1] <= t[0] or t.size < 5:
        return None
    step = np.hypot(np.diff(x), np.diff(y))
    arc = np.r_[0.0, np.cumsum(step)]
    if arc[-1] <= 0:
        return None
    s = np.linspace(0, arc[-1], POINTS)
    px, py = np.interp(s, arc, x) - x[0], np.interp(s, arc, y) - y[0]
    c, sn = chord / length
    u = (c * px + sn * py) / length
    v = (-sn * px + c * py) / length
    tau = (np.interp(s, arc, t) - t[0]) / (t[-1] - t[0])
    return np.r_[u, v, tau], length, float(t[-1] - t[0])


def fit_stroke_model(strokes: list[Path]) -> StrokeModel:
    rows, dist, dur = [], [], []
    for stroke in strokes:
        norm = _normalise(stroke)
        if norm is not None:
            rows.append(norm[0])
            dist.append(norm[1])
            dur.append(norm[2])
    data = np.array(rows)
    mean = data.mean(axis=0)
    _, sing, vt = np.linalg.svd(data - mean, full_matrices=False)
    k = min(COMPONENTS, vt.shape[0])
    scale = sing[:k] / np.sqrt(max(len(data) - 1, 1))
    a = np.c_[np.ones(len(dist)), np.log(dist)]
    coef, *_ = np.linalg.lstsq(a, np.log(dur), rcond=None)
    resid = float(np.std(np.log(dur) - a @ coef))
    return StrokeModel(mean, vt[:k], scale, (float(coef[0]), float(coef[1]), resid))


def generator_family(model: StrokeModel) -> Family:
    def mover(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float) -> Path:
        code = rng.normal(0, 1, model.scale.size) * model.scale
        u, v, tau = np.split(model.mean + code @ model.axes, 3)
        tau = np.maximum.accumulate(np.clip(tau, 0, 1))
        dst = b - a
        length = float(np.hypot(*dst))
        c, s = (dst / max(length, 1e-9)) if length else (1.0, 0.0)
        x = a[0] + length * (c * u - s * v)
        y = a[1] + length * (s * u + c * v)
        i0, slope, resid = model.log_ms
        ms = float(np.exp(i0 + slope * np.log(max(length, 30.0)) + rng.normal(0, resid)))
        frames = np.arange(FRAME_MS, ms + FRAME_MS, FRAME_MS)
        frac = np.clip(frames / ms, 0, 1)
        ft = t0 + frames + rng.normal(0, 0.4, frames.size)
        return ft, np.round(np.interp(frac, tau, x)), np.round(np.interp(frac, tau, y))

    return Family(
        mover,
        human_rhythm_typing,
        lambda r: float(r.lognormal(np.log(1400), 0.6)),
        lambda r: float(r.lognormal(np.log(95), 0.25)),
        drift=True,
    )


def human_rhythm_typing(
    rng: np.random.Generator, b: SessionBuilder, t0: float, length: int
) -> float:
    """Key by key with a made-up typist's holds and flights (``length`` is ignored: the
    typist's sentence is typed whole)."""
    typist = synthetic_typist("agent", rng, sentences=1)[0]
    press, release = t0 + typist.press, t0 + typist.release
    b.keys(press, release, typist.key, typist.pos)
    return float(release.max())


def jump_path(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float) -> Path:
    """The pointer set on the target in one move (``page.mouse.move(x, y)``, one step)."""
    return np.array([t0 + float(rng.uniform(1, 4))]), np.array([b[0]]), np.array([b[1]])


TYPING_AGENT = Family(
    jump_path,
    human_rhythm_typing,
    # One model call per step: a few seconds, steadier than a person's reading.
    lambda r: float(r.lognormal(np.log(3200), 0.35)),
    lambda r: float(r.uniform(40, 110)),
)


def os_replay_family(strokes: list[Path]) -> Family:
    def mover(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float) -> Path:
        st, sx, sy = strokes[int(rng.integers(len(strokes)))]
        step = np.hypot(np.diff(sx), np.diff(sy))
        arc = np.r_[0.0, np.cumsum(step)]
        frac = arc / arc[-1] if arc[-1] > 0 else np.linspace(0, 1, sx.size)
        start_err = a - np.array([sx[0], sy[0]])
        end_err = b - np.array([sx[-1], sy[-1]])
        x = sx + (1 - frac) * start_err[0] + frac * end_err[0]
        y = sy + (1 - frac) * start_err[1] + frac * end_err[1]
        warp = float(rng.uniform(0.9, 1.15))
        t = t0 + 1.0 + st * warp + rng.normal(0, 0.5, st.size)
        return np.sort(t), np.round(x), np.round(y)

    return Family(
        mover,
        human_rhythm_typing,
        lambda r: float(r.lognormal(np.log(1500), 0.7)),
        lambda r: float(r.lognormal(np.log(100), 0.25)),
        drift=True,
    )
