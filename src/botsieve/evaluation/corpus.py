"""Readers for the development corpus in ``../shared/corpus`` (never copied into the project).

Each reader returns plain arrays in the corpus's own units (ms, px); nothing here decides what
a session looks like (see ``assemble``). The keystroke data is for measurement only: readers
keep key classes and timings, never the characters.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from botsieve.engine.vocab import KEY_CLASSES

CORPUS_ENV = "BOTSIEVE_CORPUS"


def default_corpus_dir() -> Path:
    """``../shared/corpus`` relative to the repository root."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


@dataclass(frozen=True)
class MouseTrace:
    """One recorded pointer log: ``t`` ms, ``x``/``y`` px, ``button`` (0 none, 1 left,
    2 right), ``state`` (0 move, 1 drag, 2 pressed, 3 released); shapes ``(n,)``."""

    person: str
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    button: np.ndarray
    state: np.ndarray


@dataclass(frozen=True)
class Typing:
    """One typed sentence: press/release ms, key class codes, key position codes."""

    person: str
    press: np.ndarray
    release: np.ndarray
    key: np.ndarray
    pos: np.ndarray


@dataclass(frozen=True)
class WebSession:
    """A webbot session: timed moves, and untimed clicks placed after move ``click_after``."""

    session: str
    label: str
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    click_after: np.ndarray
    click_x: np.ndarray
    click_y: np.ndarray


_BUTTONS = {"NoButton": 0, "Left": 1, "Right": 2}
_STATES = {"Move": 0, "Drag": 1, "Pressed": 2, "Released": 3}


def read_sapimouse(root: Path) -> list[MouseTrace]:
    traces: list[MouseTrace] = []
    for user_dir in sorted((root / "sapimouse").glob("user*"), key=lambda p: p.name):
        for path in sorted(user_dir.glob("session_*.csv")):
            with path.open(newline="") as fh:
                rows = list(csv.reader(fh))[1:]
            if not rows:
                continue
            t = np.array([float(r[0]) for r in rows])
            order = np.argsort(t, kind="stable")
            traces.append(
                MouseTrace(
                    person=f"sapi-{user_dir.name.split('.')[0]}",
                    t=t[order],
                    x=np.array([float(r[3]) for r in rows])[order],
                    y=np.array([float(r[4]) for r in rows])[order],
                    button=np.array([_BUTTONS.get(r[1], 0) for r in rows])[order],
                    state=np.array([_STATES.get(r[2], 0) for r in rows])[order],
                )
            )
    return traces


def key_class(letter: str) -> int:
    if len(letter) == 1:
        if letter.isalpha():
            return KEY_CLASSES.index("letter")
        if letter.isdigit():
            return KEY_CLASSES.index("digit")
        if letter == " ":
            return KEY_CLASSES.index("space")
        return KEY_CLASSES.index("other")
    name = letter.upper()
    if name == "BKSP":
        return KEY_CLASSES.index("backspace")
    if name == "ENTER":
        return KEY_CLASSES.index("enter")
    if name in ("SHIFT", "CAPS_LOCK", "CTRL", "ALT", "WIN", "MENU"):
        return KEY_CLASSES.index("modifier")
    if name.startswith("ARW") or name in ("HOME", "END", "PAGE_UP", "PAGE_DOWN"):
        return KEY_CLASSES.index("navigation")
    return KEY_CLASSES.index("other")


def read_aalto(root: Path, limit: int | None = None) -> dict[str, list[Typing]]:
    """Sentences typed per person, ``limit`` people at most (in file-name order)."""
    files = sorted((root / "aalto_keystrokes").glob("*_keystrokes.txt.gz"))[:limit]
    people: dict[str, list[Typing]] = {}
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(reader, None)
            by_section: dict[str, list[tuple[float, float, int, int]]] = {}
            for r in reader:
                if len(r) < 9:
                    continue
                try:
                    press, release, code = float(r[5]), float(r[6]), int(r[8])
                except ValueError:
                    continue
                by_section.setdefault(r[1], []).append(
                    (press, release, key_class(r[7]), code % 256)
                )
        person = f"aalto-{path.name.split('_')[0]}"
        sentences = []
        for rows in by_section.values():
            arr = np.array(sorted(rows))
            if len(arr) < 10:
                continue
            sentences.append(
                Typing(
                    person=person,
                    press=arr[:, 0] - arr[0, 0],
                    release=arr[:, 1] - arr[0, 0],
                    key=arr[:, 2].astype(np.int64),
                    pos=arr[:, 3].astype(np.int64),
                )
            )
        if sentences:
            people[person] = sentences
    return people


# Balabit marks an off-screen coordinate with this value.
_OFF_SCREEN = 65535.0
_BALABIT_STATES = {"Move": 0, "Drag": 1, "Pressed": 2, "Released": 3}


def read_balabit(root: Path) -> list[MouseTrace]:
    """Remote-desktop sessions: times are seconds since the session's start (the client's
    clock), coordinates screen px. Scroll rows and off-screen points are dropped; a trace is
    one recorded session."""
    traces: list[MouseTrace] = []
    for user_dir in sorted((root / "balabit").glob("user*"), key=lambda p: p.name):
        for path in sorted(user_dir.glob("session_*.csv.gz")):
            with gzip.open(path, "rt", newline="") as fh:
                rows = [
                    r
                    for r in list(csv.reader(fh))[1:]
                    if len(r) >= 6 and r[3] in _BALABIT_STATES and r[2] != "Scroll"
                ]
            data = np.array([(float(r[1]), float(r[4]), float(r[5])) for r in rows])
            if data.size == 0:
                continue
            keep = (data[:, 1] < _OFF_SCREEN) & (data[:, 2] < _OFF_SCREEN)
            rows = [r for r, k in zip(rows, keep, strict=True) if k]
            data = data[keep]
            if len(rows) < 50:
                continue
            order = np.argsort(data[:, 0], kind="stable")
            traces.append(
                MouseTrace(
                    person=f"balabit-{user_dir.name}",
                    t=data[order, 0] * 1000.0,
                    x=data[order, 1],
                    y=data[order, 2],
                    button=np.array([_BUTTONS.get(r[2], 0) for r in rows])[order],
                    state=np.array([_BALABIT_STATES[r[3]] for r in rows])[order],
                )
            )
    return traces


_PAIR = re.compile(r"\[(-?\d+),(-?\d+)\]")
_ACTION = re.compile(r"\[([mcs])\((-?\d+),(-?\d+)\)\]")


def read_webbot(root: Path) -> list[WebSession]:
    base = root / "webbot"
    labels = dict(
        line.split()[:2] for line in (base / "labels.txt").read_text().splitlines() if line.strip()
    )
    seen: set[str] = set()
    sessions: list[WebSession] = []
    for path in sorted(base.glob("mouse_movements/*/*/mouse_movements.json")):
        name = path.parent.name
        if name in seen or name not in labels:
            continue
        seen.add(name)
        data = json.loads(path.read_text())
        t = np.array([float(v) for v in data["mousemove_times"].split(",") if v.strip()])
        xy = np.array(_PAIR.findall(data["mousemove_total_behaviour"]), dtype=np.float64)
        n = min(len(t), len(xy))
        if n < 10:
            continue
        actions = _ACTION.findall(data["total_behaviour"])
        kinds = np.array([a[0] for a in actions])
        moves_before = np.cumsum(kinds == "m")
        is_click = kinds == "c"
        cxy = np.array([(float(a[1]), float(a[2])) for a in actions], dtype=np.float64)
        sessions.append(
            WebSession(
                session=name,
                label=labels[name],
                t=t[:n] - t[0],
                x=xy[:n, 0],
                y=xy[:n, 1],
                click_after=np.minimum(moves_before[is_click], n) - 1,
                click_x=cxy[is_click, 0] if len(cxy) else np.zeros(0),
                click_y=cxy[is_click, 1] if len(cxy) else np.zeros(0),
            )
        )
    return sessions
