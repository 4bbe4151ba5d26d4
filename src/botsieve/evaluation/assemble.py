"""Survey-like human sessions assembled from the corpus.

A session is a stretch of one SapiMouse person's pointer log (moves, drags, presses and
releases; a left press and release close together make a click) cut into pages at clicks,
with one Aalto person's typed sentences (key classes and timings only) inserted as text
answers: the clock stops for the mouse while the person types, as it does in a survey.

Webbot sessions (people and bots alike) carry move times but no click or scroll times. Each
click is placed after the move before it by a delay drawn from one distribution for every
label, no mousedown/mouseup is invented, and scrolls are dropped for every label (the bots
never scrolled; keeping them would teach "scrolling means human", an artefact of the data).
"""

from __future__ import annotations

import numpy as np

from botsieve.engine.types import SessionInput
from botsieve.evaluation.builder import SessionBuilder
from botsieve.evaluation.corpus import MouseTrace, Typing, WebSession
from botsieve.evaluation.environments import human_environment

CHUNK_MS = 60_000.0
_TARGET_SIZES = ((18.0, 18.0), (150.0, 28.0), (100.0, 40.0), (400.0, 80.0))


def chunk_trace(trace: MouseTrace, chunk_ms: float = CHUNK_MS) -> list[MouseTrace]:
    """Consecutive stretches of ``chunk_ms`` (the last kept if at least half as long)."""
    t = trace.t - trace.t[0]
    bounds = np.arange(0.0, t[-1] + chunk_ms / 2, chunk_ms)
    out = []
    for lo in bounds:
        sel = (t >= lo) & (t < lo + chunk_ms)
        if sel.sum() < 50 or (t[sel][-1] - t[sel][0]) < chunk_ms / 2:
            continue
        out.append(
            MouseTrace(
                trace.person,
                t[sel],
                trace.x[sel],
                trace.y[sel],
                trace.button[sel],
                trace.state[sel],
            )
        )
    return out


def _clicks(trace: MouseTrace) -> np.ndarray:
    """Indices of releases that complete a left click (press within 1.5 s and 10 px)."""
    pressed = np.flatnonzero((trace.state == 2) & (trace.button == 1))
    released = np.flatnonzero((trace.state == 3) & (trace.button == 1))
    if pressed.size == 0 or released.size == 0:
        return np.zeros(0, dtype=np.int64)
    last_press = np.searchsorted(pressed, released) - 1
    ok = last_press >= 0
    p, r = pressed[last_press[ok]], released[ok]
    near = (trace.t[r] - trace.t[p] < 1500) & (
        np.hypot(trace.x[r] - trace.x[p], trace.y[r] - trace.y[p]) <= 10
    )
    return r[near]


def human_session(
    trace: MouseTrace, typing: list[Typing], rng: np.random.Generator
) -> SessionInput:
    """One survey session from a pointer stretch and up to three typed sentences.

    Pages end every third to fifth click; each new page opens with a reading pause (the
    pointer log resumes after it), since survey takers read before they act, unlike the
    SapiMouse task.
    """
    t = trace.t - trace.t[0] + float(rng.uniform(500, 2500))
    clicks = _clicks(trace)
    page_ends: list[int] = []
    k, every = 0, int(rng.integers(3, 6))
    for c in clicks[:-1]:
        k += 1
        if k >= every:
            page_ends.append(int(c))
            k, every = 0, int(rng.integers(3, 6))
    text_after: list[int] = []
    if clicks.size and typing:
        n_text = min(len(typing), int(rng.integers(1, 4)), clicks.size)
        text_after = sorted(int(c) for c in rng.choice(clicks, n_text, replace=False))
    # Stop the pointer's clock for reading and typing: shift everything after those clicks.
    shift = np.zeros_like(t)
    reading: dict[int, float] = {}
    for c in page_ends:
        reading[c] = float(rng.lognormal(np.log(2500.0), 0.7))
        shift[c + 1 :] += reading[c]
    blocks: list[tuple[float, Typing]] = []
    for idx, sentence in zip(text_after, typing, strict=False):
        start = t[idx] + shift[idx] + float(rng.uniform(300, 900))
        blocks.append((start, sentence))
        took = (
            float(sentence.release.max())
            + float(rng.uniform(300, 900))
            + (start - t[idx] - shift[idx])
        )
        shift[idx + 1 :] += took
    t = t + shift
    b = SessionBuilder(environment=human_environment(rng))
    moving = trace.state <= 1
    b.moves(t[moving], trace.x[moving], trace.y[moving])
    for state, kind in ((2, "mousedown"), (3, "mouseup")):
        sel = trace.state == state
        b.add(
            kind,
            t[sel],
            x=trace.x[sel],
            y=trace.y[sel],
            button=np.where(trace.button[sel] == 2, 2, 0),
        )
    sizes = np.array(_TARGET_SIZES)[rng.integers(0, len(_TARGET_SIZES), clicks.size)]
    off = rng.normal(0, 1, (clicks.size, 2)) * sizes / 6.0
    off = np.clip(off, -sizes / 2, sizes / 2)
    cx, cy = trace.x[clicks], trace.y[clicks]
    b.add(
        "click",
        t[clicks],
        x=cx,
        y=cy,
        button=0,
        dx=off[:, 0],
        dy=off[:, 1],
        w=sizes[:, 0],
        h=sizes[:, 1],
    )
    for start, sentence in blocks:
        b.keys(start + sentence.press, start + sentence.release, sentence.key, sentence.pos)
    b.page(0.0, "p0", "shown")
    for page, c in enumerate(page_ends):
        b.page(t[c] + 5.0, f"p{page}", "submitted")
        b.page(t[c] + 5.0 + float(rng.uniform(150, 600)), f"p{page + 1}", "shown")
    b.page(float(t[-1]) + 50.0, f"p{len(page_ends)}", "submitted")
    return b.build()


def web_sessions(
    web: WebSession, rng: np.random.Generator, chunk_ms: float = CHUNK_MS
) -> list[SessionInput]:
    """A webbot session cut into stretches of ``chunk_ms``; see the module notes."""
    order = np.argsort(web.t, kind="stable")
    t, x, y = web.t[order], web.x[order], web.y[order]
    after = np.clip(web.click_after, 0, t.size - 1)
    nxt = np.minimum(after + 1, t.size - 1)
    room = np.maximum(t[nxt] - t[after], 1.0)
    click_t = t[after] + np.minimum(rng.uniform(30, 150, after.size), room * 0.9)
    out = []
    for lo in np.arange(0.0, t[-1] + chunk_ms / 2, chunk_ms):
        sel = (t >= lo) & (t < lo + chunk_ms)
        if sel.sum() < 100 or (t[sel][-1] - t[sel][0]) < chunk_ms / 2:
            continue
        b = SessionBuilder(environment=human_environment(rng))
        b.moves(t[sel] - lo, x[sel], y[sel])
        cs = (click_t >= lo) & (click_t < lo + chunk_ms)
        if cs.any():
            b.add("click", click_t[cs] - lo, x=web.click_x[cs], y=web.click_y[cs], button=0)
        out.append(b.build())
    return out
