"""The bot zoo: generators of bot sessions, one family per kind of tool.

Every family answers the same kind of survey (``Layout``): pages of choice questions, some
with a text answer, and a Next button. Families differ in how the cursor travels, how keys
are typed and how long they wait, as the tools they stand for do:

- ``scripted``: straight constant-speed moves (or none), clicks dead centre, 50 ms keys;
- ``bezier``: ghost-cursor: Bezier curves sampled evenly in the curve parameter, step count
  from Fitts's law, overshoot on long moves, keys with uniform random delays;
- ``humanised``: Fitts-timed minimum-jerk strokes on a curved path with tremor, corrective
  sub-movements, idle drift and log-normal typing with typos and rollover;
- ``windmouse``: Benjamin Land's WindMouse (gravity plus wind);
- ``replay_farm``: replays of a small library of recorded human sessions with jitter, offset
  and time warping (see ``replay``);
- ``llm_agent``: an agent that thinks for several seconds per step, jumps the cursor in a few
  steps and inserts whole answers at once.

All coordinates are rounded to whole CSS px, as browsers report them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from botsieve.engine.types import SessionInput
from botsieve.engine.vocab import KEY_CLASSES
from botsieve.evaluation.builder import SessionBuilder
from botsieve.evaluation.environments import human_environment

Path = tuple[np.ndarray, np.ndarray, np.ndarray]  # t (ms from start), x, y
LETTER, SPACE, MODIFIER = (KEY_CLASSES.index(k) for k in ("letter", "space", "modifier"))
BACKSPACE = KEY_CLASSES.index("backspace")


@dataclass(frozen=True)
class Target:
    cx: float
    cy: float
    w: float
    h: float
    text_length: int = 0  # > 0: a text field to type into


def make_layout(rng: np.random.Generator) -> list[list[Target]]:
    """A survey: 4-8 pages of 2-5 targets each, the last of each page being Next."""
    pages = []
    for _ in range(int(rng.integers(4, 9))):
        left = float(rng.uniform(200, 500))
        y = float(rng.uniform(150, 250))
        targets = []
        for _ in range(int(rng.integers(2, 6))):
            y += float(rng.uniform(70, 160))
            if rng.random() < 0.2:
                targets.append(Target(left + 200, y, 400, 80, int(rng.integers(15, 70))))
                y += 60
            else:
                option = int(rng.integers(0, 5))
                targets.append(Target(left + option * 110, y, 18, 18))
        targets.append(Target(left + 500, y + 120, 100, 40))
        pages.append(targets)
    return pages


def aim_point(rng: np.random.Generator, target: Target, centre: bool) -> tuple[float, float]:
    if centre:
        return target.cx, target.cy
    return (
        float(np.round(target.cx + rng.uniform(-0.35, 0.35) * target.w)),
        float(np.round(target.cy + rng.uniform(-0.35, 0.35) * target.h)),
    )


def frame_times(rng: np.random.Generator, n: int, start: float) -> np.ndarray:
    """Event times paced by a 60 Hz display with the small jitter browsers show."""
    steps = np.full(n, 1000.0 / 60.0) + rng.normal(0, 0.6, n)
    return start + np.cumsum(np.clip(steps, 8.0, None))


# Motion models: (rng, start, end, width, t0) -> path starting after t0.
def linear_path(
    rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float
) -> Path:
    dist = float(np.hypot(*(b - a)))
    speed = float(rng.uniform(0.8, 3.0))
    dt = float(rng.choice([10.0, 16.0, 20.0]))
    n = max(2, int(np.ceil(dist / (speed * dt))))
    s = np.linspace(0, 1, n + 1)[1:]
    return (
        t0 + dt * np.arange(1, n + 1),
        np.round(a[0] + s * (b[0] - a[0])),
        np.round(a[1] + s * (b[1] - a[1])),
    )


def _bezier(
    a: np.ndarray, b: np.ndarray, c1: np.ndarray, c2: np.ndarray, s: np.ndarray
) -> np.ndarray:
    s = s[:, None]
    return (1 - s) ** 3 * a + 3 * (1 - s) ** 2 * s * c1 + 3 * (1 - s) * s**2 * c2 + s**3 * b


def _controls(
    rng: np.random.Generator, a: np.ndarray, b: np.ndarray, spread: float
) -> tuple[np.ndarray, np.ndarray]:
    d = b - a
    normal = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-9)
    c1 = a + d * rng.uniform(0.2, 0.5) + normal * rng.uniform(-spread, spread)
    c2 = a + d * rng.uniform(0.5, 0.8) + normal * rng.uniform(-spread, spread)
    return c1, c2


def bezier_path(
    rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float
) -> Path:
    """ghost-cursor: steps from Fitts's law, points evenly spaced in the curve parameter."""
    dist = float(np.hypot(*(b - a)))
    pieces = []
    if dist > 500 and rng.random() < 0.8:
        over = b + rng.normal(0, 60, 2)
        pieces.append((a, over, min(max(dist, 2.0), 200.0)))
        pieces.append((over, b, 10.0))
    else:
        pieces.append((a, b, min(max(dist, 2.0), 200.0)))
    xs, ys = [], []
    for p, q, spread in pieces:
        length = float(np.hypot(*(q - p)))
        fitts = np.log2(length / max(w, 1.0) + 1.0)
        steps = int(np.ceil((np.log2(fitts + 1.0) + 25 * rng.uniform(0.5, 1.5) / 10) * 3)) + 5
        c1, c2 = _controls(rng, p, q, spread)
        pts = _bezier(p, q, c1, c2, np.linspace(0, 1, steps + 1)[1:])
        xs.append(pts[:, 0])
        ys.append(pts[:, 1])
    x, y = np.round(np.concatenate(xs)), np.round(np.concatenate(ys))
    if rng.random() < 0.5:
        t = t0 + np.cumsum(rng.lognormal(np.log(4.0), 0.4, x.size))  # as fast as CDP replies
    else:
        t = frame_times(rng, x.size, t0)
    return t, x, y


def _min_jerk(n: int) -> np.ndarray:
    s = np.linspace(0, 1, n + 1)[1:]
    return 10 * s**3 - 15 * s**4 + 6 * s**5


def humanised_path(
    rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float
) -> Path:
    """Fitts-timed minimum-jerk strokes with tremor and a corrective sub-movement."""
    dist = float(np.hypot(*(b - a)))
    mt = rng.uniform(100, 250) + rng.uniform(100, 200) * np.log2(dist / max(w, 1.0) + 1.0)
    miss = b + rng.normal(0, max(w * 0.4, 4.0), 2) if rng.random() < 0.7 else b
    c1, c2 = _controls(rng, a, miss, min(dist * 0.3, 120.0))
    n = max(3, int(mt / 16.7))
    pts = _bezier(a, miss, c1, c2, _min_jerk(n))
    if not np.array_equal(miss, b):
        n2 = max(3, int(rng.uniform(120, 300) / 16.7))
        s = _min_jerk(n2)[:, None]
        pts = np.vstack([pts, miss + s * (b - miss)])
    pts = pts + rng.normal(0, rng.uniform(0.3, 1.2), pts.shape)
    pts[-1] = b
    return frame_times(rng, len(pts), t0), np.round(pts[:, 0]), np.round(pts[:, 1])


def windmouse_path(
    rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float
) -> Path:
    gravity, wind, max_step, damp = rng.uniform(7, 11), rng.uniform(2, 4), rng.uniform(10, 18), 12.0
    pos, vel, wnd = a.astype(float).copy(), np.zeros(2), np.zeros(2)
    pts = []
    for _ in range(2000):
        d = float(np.hypot(*(b - pos)))
        if d < 1.0:
            break
        w_mag = min(wind, d)
        if d >= damp:
            wnd = wnd / np.sqrt(3) + rng.uniform(-1, 1, 2) * w_mag / np.sqrt(5)
        else:
            wnd = wnd / np.sqrt(3)
            max_step = float(rng.uniform(3, 6)) if max_step < 3 else max_step / np.sqrt(5)
        vel = vel + wnd + gravity * (b - pos) / d
        speed = float(np.hypot(*vel))
        if speed > max_step:
            vel = vel / speed * (max_step / 2 + rng.uniform(0, max_step / 2))
        pos = pos + vel
        pts.append(np.round(pos))
    pts.append(b)
    arr = np.array(pts)
    if rng.random() < 0.5:
        t = t0 + np.cumsum(rng.uniform(5, 15, len(arr)))
    else:
        t = frame_times(rng, len(arr), t0)
    return t, arr[:, 0], arr[:, 1]


def agent_path(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float) -> Path:
    """Playwright ``mouse.move(x, y, steps=n)``: a few straight steps, CDP-fast."""
    n = int(rng.integers(1, 11))
    s = np.linspace(0, 1, n + 1)[1:]
    t = t0 + np.cumsum(rng.uniform(1, 5, n))
    return t, np.round(a[0] + s * (b[0] - a[0])), np.round(a[1] + s * (b[1] - a[1]))


# Typing models: (rng, builder, t0, length) -> time typing ended.
def _key_stream(rng: np.random.Generator, length: int) -> tuple[np.ndarray, np.ndarray]:
    key = np.where(rng.random(length) < 0.18, SPACE, LETTER)
    pos = np.where(key == SPACE, 32, rng.integers(65, 91, length))
    return key, pos


def constant_typing(rng: np.random.Generator, b: SessionBuilder, t0: float, length: int) -> float:
    key, pos = _key_stream(rng, length)
    press = t0 + 100.0 * np.arange(length)
    b.keys(press, press + 50.0, key, pos)
    return float(press[-1] + 50.0)


def uniform_typing(rng: np.random.Generator, b: SessionBuilder, t0: float, length: int) -> float:
    key, pos = _key_stream(rng, length)
    hold = rng.uniform(0.0, 2.0, length) if rng.random() < 0.5 else rng.uniform(30, 90, length)
    gap = rng.uniform(50, 150, length)
    press = t0 + np.cumsum(gap + np.r_[0.0, hold[:-1]])
    b.keys(press, press + hold, key, pos)
    return float(press[-1] + hold[-1])


def lognormal_typing(rng: np.random.Generator, b: SessionBuilder, t0: float, length: int) -> float:
    key, pos = _key_stream(rng, length)
    typo = rng.random(length) < 0.03
    key = np.where(typo, BACKSPACE, key)
    pos = np.where(typo, 8, pos)
    hold = rng.lognormal(np.log(rng.uniform(70, 120)), 0.3, length)
    flight = rng.lognormal(np.log(rng.uniform(140, 260)), 0.5, length)
    press = t0 + np.cumsum(flight)
    b.keys(press, press + hold, key, pos)
    return float((press + hold).max())


def agent_typing(rng: np.random.Generator, b: SessionBuilder, t0: float, length: int) -> float:
    if rng.random() < 0.75:
        b.insert_text(t0 + 5.0, length, paste=rng.random() < 0.3)
        return t0 + 10.0
    key, pos = _key_stream(rng, length)
    press = t0 + np.cumsum(rng.uniform(1, 6, length))
    b.keys(press, press + rng.uniform(0.5, 2, length), key, pos)
    return float(press[-1] + 3.0)


Mover = Callable[[np.random.Generator, np.ndarray, np.ndarray, float, float], Path]
Typist = Callable[[np.random.Generator, SessionBuilder, float, int], float]


@dataclass(frozen=True)
class Family:
    mover: Mover | None
    typist: Typist
    think_ms: Callable[[np.random.Generator], float]
    press_ms: Callable[[np.random.Generator], float]
    centre_clicks: bool = False
    drift: bool = False


FAMILIES: dict[str, Family] = {
    "scripted": Family(
        linear_path,
        constant_typing,
        lambda r: float(r.choice([200.0, 500.0, 1000.0])),
        lambda r: 0.0,
        centre_clicks=True,
    ),
    "bezier": Family(
        bezier_path,
        uniform_typing,
        lambda r: float(r.uniform(300, 2500)),
        lambda r: float(r.uniform(0, 100)),
    ),
    "humanised": Family(
        humanised_path,
        lognormal_typing,
        lambda r: float(r.lognormal(np.log(1500), 0.6)),
        lambda r: float(r.normal(100, 25)),
        drift=True,
    ),
    "windmouse": Family(
        windmouse_path,
        uniform_typing,
        lambda r: float(r.uniform(300, 2000)),
        lambda r: float(r.uniform(40, 120)),
    ),
    "llm_agent": Family(
        agent_path,
        agent_typing,
        lambda r: float(r.uniform(2500, 7000)),
        lambda r: float(r.uniform(0, 60)),
    ),
}


def bot_session(family: str | Family, rng: np.random.Generator) -> SessionInput:
    """One session of ``family`` (a key of ``FAMILIES``, or a ``Family``) answering a fresh
    random survey."""
    fam = FAMILIES[family] if isinstance(family, str) else family
    b = SessionBuilder(environment=human_environment(rng))
    mover = fam.mover
    if family == "scripted" and rng.random() < 0.3:
        mover = None  # clicks with no movement at all
    pos = np.array([rng.uniform(100, 1200), rng.uniform(100, 700)])
    t = float(rng.uniform(200, 1500))
    for p, page in enumerate(make_layout(rng)):
        b.page(t, f"p{p}", "shown")
        for target in page:
            think = fam.think_ms(rng)
            if fam.drift and rng.random() < 0.5:
                end = pos + rng.normal(0, 15, 2)
                dt_, dx_, dy_ = humanised_path(rng, pos, end, 20.0, t + think * 0.3)
                b.moves(dt_, dx_, dy_)
                pos = np.array([dx_[-1], dy_[-1]])
            t += think
            aim = np.array(aim_point(rng, target, fam.centre_clicks))
            if mover is not None:
                mt, mx, my = mover(rng, pos, aim, target.w, t)
                b.moves(mt, mx, my)
                t = float(mt[-1]) + float(rng.uniform(20, 120))
            pos = aim
            b.click(
                t,
                aim[0],
                aim[1],
                press_ms=fam.press_ms(rng),
                target=(target.cx, target.cy, target.w, target.h),
            )
            t += 150.0
            if target.text_length:
                t = fam.typist(rng, b, t + float(rng.uniform(200, 800)), target.text_length) + 100.0
        b.page(t + 5.0, f"p{p}", "submitted")
        t += float(rng.uniform(150, 600))
    return b.build()


def harvest_strokes(session: SessionInput, max_ms: float = 2000.0) -> list[Path]:
    """The aimed strokes of a recorded session: the moves of the last ``max_ms`` before each
    click, back to the last pause over 300 ms; times from the stroke's start."""
    mm = session.events.get("mousemove", {})
    clicks = session.events.get("click", {}).get("t", np.zeros(0))
    if "t" not in mm or mm["t"].size < 10:
        return []
    t, x, y = mm["t"], mm["x"], mm["y"]
    out = []
    for c in clicks:
        end = int(np.searchsorted(t, c, side="right"))
        start = int(np.searchsorted(t, c - max_ms))
        if end - start < 5:
            continue
        gaps = np.flatnonzero(np.diff(t[start:end]) > 300)
        if gaps.size:
            start += int(gaps[-1]) + 1
        if end - start >= 5 and np.hypot(x[end - 1] - x[start], y[end - 1] - y[start]) > 30:
            out.append((t[start:end] - t[start], x[start:end], y[start:end]))
    return out


def stroke_library_family(strokes: list[Path]) -> Family:
    """A stress test, not a training family: every move is a recorded human stroke, rotated
    and scaled onto the new start and target, with its own timing; log-normal typing and
    thinking. It is as human as a cursor gets without a human."""

    def mover(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, w: float, t0: float) -> Path:
        st, sx, sy = strokes[int(rng.integers(len(strokes)))]
        src = np.array([sx[-1] - sx[0], sy[-1] - sy[0]])
        dst = b - a
        scale = float(np.hypot(*dst) / max(np.hypot(*src), 1e-9))
        angle = float(np.arctan2(dst[1], dst[0]) - np.arctan2(src[1], src[0]))
        c, s_ = np.cos(angle) * scale, np.sin(angle) * scale
        px, py = sx - sx[0], sy - sy[0]
        x = a[0] + c * px - s_ * py
        y = a[1] + s_ * px + c * py
        return t0 + 1.0 + st, np.round(x), np.round(y)

    return Family(
        mover,
        lognormal_typing,
        lambda r: float(r.lognormal(np.log(1500), 0.7)),
        lambda r: float(r.normal(100, 25)),
        drift=True,
    )


def replay(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """A farm's replay of a recorded session: time warped (a global factor and a little
    per-event noise), every point jittered by a pixel or two, the whole path offset a few px,
    and a fresh environment record."""
    warp = float(rng.uniform(0.85, 1.2))
    offset = rng.integers(-5, 6, 2).astype(float)
    sigma = float(rng.uniform(0.5, 2.0))
    all_t = np.concatenate([c["t"] for c in session.events.values()])
    t0 = float(all_t.min()) if all_t.size else 0.0
    span = float(all_t.max()) - t0 if all_t.size else 0.0
    # One monotone time warp for every event type: a global factor, varied every 2 s.
    knots = np.arange(0.0, span + 4000.0, 2000.0)
    warped = np.r_[0.0, np.cumsum(np.diff(knots) * warp * rng.uniform(0.9, 1.1, knots.size - 1))]
    events: dict[str, dict[str, np.ndarray]] = {}
    for kind, cols in session.events.items():
        new = dict(cols)
        new["t"] = np.round(np.interp(cols["t"] - t0, knots, warped))
        if "x" in cols and kind in ("mousemove", "mousedown", "mouseup", "click"):
            n = cols["t"].size
            jitter = rng.normal(0, sigma, (2, n)) if kind == "mousemove" else np.zeros((2, n))
            new["x"] = np.round(cols["x"] + offset[0] + jitter[0])
            new["y"] = np.round(cols["y"] + offset[1] + jitter[1])
        events[kind] = new
    return SessionInput(events=events, environment=human_environment(rng), labels=session.labels)
