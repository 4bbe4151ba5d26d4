"""Benign habits applied to real people's sessions: none of them may make a person a bot.

Each habit is a function ``(session, rng) -> session`` that changes one thing a real
respondent does: pastes one answer, dictates one, holds a slider, clicks a label-wrapped radio,
works over a remote desktop or a slow trackpad, uses only the keyboard or only a touch screen,
clicks by voice, shares a lab computer or a household address, stops to read, or answers on a
page that sends no "submitted" marks. ``robustness`` scores each person before and after with
the model that never saw them, and counts who was flipped from not flagged to flagged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from botsieve.engine.types import CrossSessionContext, EventColumns, SessionInput
from botsieve.engine.vocab import INPUT_TYPES, KEY_CLASSES, PAGE_PHASES

Habit = Callable[[SessionInput, np.random.Generator], SessionInput]
_ENTER, _MODIFIER, _LETTER = (KEY_CLASSES.index(k) for k in ("enter", "modifier", "letter"))
_MOUSE = ("mousemove", "mousedown", "mouseup")


def _span(session: SessionInput) -> tuple[float, float]:
    ts = [c["t"] for c in session.events.values() if c["t"].size]
    all_t = np.concatenate(ts) if ts else np.zeros(1)
    return float(all_t.min()), float(all_t.max())


def _merge(session: SessionInput, kind: str, cols: EventColumns) -> SessionInput:
    """``session`` with the events ``cols`` added to type ``kind`` (kept sorted by time)."""
    events = dict(session.events)
    old = events.get(kind)
    n = cols["t"].size
    if old is None:
        merged = {k: np.asarray(v) for k, v in cols.items()}
    else:
        merged = {}
        for name in set(old) | set(cols):
            a = old.get(name)
            b = cols.get(name)
            if a is None:
                a = np.full(old["t"].size, -1 if np.asarray(b).dtype.kind in "iub" else np.nan)
            if b is None:
                b = np.full(n, -1 if a.dtype.kind in "iub" else np.nan)
            merged[name] = np.concatenate([a, np.asarray(b, dtype=a.dtype)])
        order = np.argsort(merged["t"], kind="stable")
        merged = {k: v[order] for k, v in merged.items()}
    events[kind] = merged
    return dataclasses.replace(session, events=events)


def _input(session: SessionInput, t: float, input_type: str, length: int) -> SessionInput:
    cols = {
        "t": np.array([t]),
        "input_type": np.array([INPUT_TYPES.index(input_type)]),
        "delta": np.array([length]),
        "trusted": np.array([True]),
    }
    return _merge(session, "input", cols)


def _quiet_moment(session: SessionInput, rng: np.random.Generator) -> float:
    lo, hi = _span(session)
    return float(rng.uniform(lo + 0.2 * (hi - lo), lo + 0.8 * (hi - lo)))


def paste_keyboard(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """Ctrl+V of one long answer."""
    t = _quiet_moment(session, rng)
    length = int(rng.integers(40, 400))
    keys = {
        "t": np.array([t - 120.0, t - 40.0]),
        "key": np.array([_MODIFIER, _LETTER]),
        "pos": np.array([17, 86]),
        "repeat": np.zeros(2, dtype=bool),
        "trusted": np.ones(2, dtype=bool),
    }
    ups = {k: v for k, v in keys.items() if k != "repeat"}
    ups["t"] = np.array([t + 90.0, t + 30.0])
    session = _merge(session, "keydown", keys)
    session = _merge(session, "keyup", ups)
    session = _merge(session, "paste", {"t": np.array([t]), "length": np.array([length])})
    return _input(session, t + 1.0, "insertFromPaste", length)


def paste_menu(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """One answer pasted from the context menu: no keys at all."""
    t = _quiet_moment(session, rng)
    length = int(rng.integers(40, 400))
    session = _merge(session, "paste", {"t": np.array([t]), "length": np.array([length])})
    return _input(session, t + 1.0, "insertFromPaste", length)


def dictated(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """One answer dictated: text arrives without key presses, in a few bursts."""
    t = _quiet_moment(session, rng)
    for i in range(int(rng.integers(1, 4))):
        session = _input(session, t + 1500.0 * i, "insertText", int(rng.integers(15, 80)))
    return session


def autofilled(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """The browser fills in a name or an e-mail address."""
    return _input(session, _quiet_moment(session, rng), "insertText", int(rng.integers(8, 30)))


_POINTER = ("mousemove", "mousedown", "mouseup", "click")


def _without_pointer_between(session: SessionInput, lo: float, hi: float) -> SessionInput:
    """``session`` without its pointer events from ``lo`` to ``hi`` ms."""
    events = dict(session.events)
    for kind in _POINTER:
        cols = events.get(kind)
        if cols:
            keep = (cols["t"] < lo) | (cols["t"] > hi)
            events[kind] = {k: np.asarray(v)[keep] for k, v in cols.items()}
    return dataclasses.replace(session, events=events)


def _pointer_at(mm: EventColumns | None, t: float) -> tuple[float, float]:
    if not mm or mm["t"].size == 0:
        return 400.0, 300.0
    i = int(np.searchsorted(mm["t"], t).clip(0, mm["t"].size - 1))
    return float(mm["x"][i]), float(mm["y"][i])


def long_press(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """A slider dragged or a hesitant click held for 2-8 s. While the button is held the
    pointer moves only as the drag, a move every 40 ms or so with a pixel of tremor, from
    where it was pressed to where the person's own recording goes on after the release: the
    person's recorded pointer events of those seconds are what the drag replaces (a hand
    cannot drag and move elsewhere at once)."""
    t = _quiet_moment(session, rng)
    hold = float(rng.uniform(2000, 8000))
    mm = session.events.get("mousemove")
    (x0, y0), (x1, y1) = _pointer_at(mm, t), _pointer_at(mm, t + hold)
    session = _without_pointer_between(session, t, t + hold)
    n = int(hold // 40)
    drag_t = t + np.linspace(50, hold - 50, n)
    progress = np.sort(rng.uniform(0.0, 1.0, n))
    tremor = rng.normal(0.0, 0.7, (2, n))
    drag_x = np.round(x0 + (x1 - x0) * progress + tremor[0])
    drag_y = np.round(y0 + (y1 - y0) * progress + tremor[1])
    moves = {"t": drag_t, "x": drag_x, "y": drag_y, "trusted": np.ones(n, dtype=bool)}
    session = _merge(session, "mousemove", moves)
    for kind, at, x, y in (("mousedown", t, x0, y0), ("mouseup", t + hold, drag_x[-1], drag_y[-1])):
        cols = {
            "t": np.array([at]),
            "x": np.array([x]),
            "y": np.array([y]),
            "button": np.array([0]),
            "trusted": np.array([True]),
        }
        session = _merge(session, kind, cols)
    return session


def label_radio(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """Every click lands on a label wrapping its radio: the browser fires a second click on the
    radio at the same instant."""
    clicks = session.events.get("click")
    if not clicks or clicks["t"].size == 0:
        return session
    return _merge(session, "click", {k: v.copy() for k, v in clicks.items()})


def _resample(session: SessionInput, every_ms: float, duplicate: float = 0.0) -> SessionInput:
    mm = session.events.get("mousemove")
    if not mm or mm["t"].size < 2:
        return session
    slot = np.floor((mm["t"] - mm["t"][0]) / every_ms)
    last = np.r_[slot[1:] != slot[:-1], True]
    cols = {k: v[last] for k, v in mm.items()}
    if duplicate:
        # Remote-desktop clients deliver some moves in pairs carrying one timestamp.
        twin = np.flatnonzero(np.random.default_rng(int(slot.size)).random(last.sum()) < duplicate)
        cols["t"] = cols["t"].copy()
        cols["t"][twin[twin > 0]] = cols["t"][twin[twin > 0] - 1]
    events = dict(session.events)
    events["mousemove"] = cols
    return dataclasses.replace(session, events=events)


def trackpad_30hz(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    return _resample(session, 1000.0 / 30.0)


def coalesced_60hz(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    return _resample(session, 1000.0 / 60.0)


def remote_desktop(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """A sparse stream: one move every ~110 ms, some in pairs with one timestamp."""
    return _resample(session, 110.0, duplicate=0.1)


def keyboard_only(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """No pointer at all: Tab to each option and Space or Enter to choose it."""
    events = {k: v for k, v in session.events.items() if k not in _MOUSE}
    session = dataclasses.replace(session, events=events)
    clicks = session.events.get("click")
    if not clicks or clicks["t"].size == 0:
        return session
    n = clicks["t"].size
    press = clicks["t"] - rng.uniform(30, 90, n)
    down = {
        "t": press,
        "key": np.full(n, _ENTER),
        "pos": np.full(n, 13),
        "repeat": np.zeros(n, dtype=bool),
        "trusted": np.ones(n, dtype=bool),
    }
    up = {k: v for k, v in down.items() if k != "repeat"}
    up["t"] = press + rng.uniform(60, 140, n)
    return _merge(_merge(session, "keydown", down), "keyup", up)


def touch_only(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """A phone: the pointer's stream arrives as touches instead of mouse events."""
    events = {k: v for k, v in session.events.items() if k not in _MOUSE}
    renames = {"mousemove": "touchmove", "mousedown": "touchstart", "mouseup": "touchend"}
    for old, new in renames.items():
        cols = session.events.get(old)
        if cols:
            events[new] = {k: cols[k] for k in ("t", "x", "y", "trusted") if k in cols}
    return dataclasses.replace(session, events=events)


def voice_control(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """Clicks by voice ("click Next"): the tool sets the pointer on the named element's
    centre and clicks, so the pointer jumps onto every target with no movement on the way;
    the answers are still typed on the keyboard."""
    clicks = session.events.get("click")
    if not clicks or clicks["t"].size == 0 or "x" not in clicks:
        return session
    n = clicks["t"].size
    events = {k: v for k, v in session.events.items() if k != "mousemove"}
    move_t = clicks["t"] - rng.uniform(40, 120, n)
    order = np.argsort(move_t, kind="stable")
    events["mousemove"] = {
        "t": move_t[order],
        "x": clicks["x"][order],
        "y": clicks["y"][order],
        "trusted": np.ones(n, dtype=bool),
    }
    centred = dict(clicks)
    for offset in ("dx", "dy"):
        if offset in centred:
            centred[offset] = np.zeros(n)
    events["click"] = centred
    return dataclasses.replace(session, events=events)


def shared_lab(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """One of 30 people taking the survey on one lab computer (different addresses)."""
    ctx = dataclasses.replace(session.context, same_device_sessions=29)
    return dataclasses.replace(session, context=ctx)


def household(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """Several people of one household, one address and two devices."""
    ctx: CrossSessionContext = dataclasses.replace(
        session.context, same_ip_sessions=8, same_device_sessions=4
    )
    return dataclasses.replace(session, context=ctx)


def reading_pause(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """A long still pause to read (60-180 s) in the middle of the session."""
    cut = _quiet_moment(session, rng)
    pause = float(rng.uniform(60_000, 180_000))
    events = {}
    for kind, cols in session.events.items():
        new = dict(cols)
        new["t"] = np.where(cols["t"] > cut, cols["t"] + pause, cols["t"])
        events[kind] = new
    return dataclasses.replace(session, events=events)


def no_submitted_marks(session: SessionInput, rng: np.random.Generator) -> SessionInput:
    """A page that marks only when pages are shown (the README's quick start)."""
    page = session.events.get("page")
    if not page:
        return session
    keep = page["phase"] != PAGE_PHASES.index("submitted")
    events = dict(session.events)
    events["page"] = {k: v[keep] for k, v in page.items()}
    return dataclasses.replace(session, events=events)


HABITS: dict[str, Habit] = {
    "paste_keyboard": paste_keyboard,
    "paste_menu": paste_menu,
    "dictated_answer": dictated,
    "autofilled_answer": autofilled,
    "long_press": long_press,
    "label_radio": label_radio,
    "trackpad_30hz": trackpad_30hz,
    "coalesced_60hz": coalesced_60hz,
    "remote_desktop": remote_desktop,
    "keyboard_only": keyboard_only,
    "touch_only": touch_only,
    "voice_control": voice_control,
    "shared_lab_device": shared_lab,
    "household_ip": household,
    "reading_pause": reading_pause,
    "no_submitted_marks": no_submitted_marks,
}
