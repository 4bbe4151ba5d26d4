"""Build ``SessionInput`` values the way the service does: columns per event type, sorted by
time, strings as vocabulary codes. Used by the corpus assembly, the bot zoo and the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from botsieve.engine.types import CrossSessionContext, SessionInput
from botsieve.engine.vocab import INPUT_TYPES, KEY_CLASSES, PAGE_PHASES

_INT_FIELDS = {
    "button",
    "pos",
    "delta",
    "length",
    "id",
    "key",
    "state",
    "phase",
    "input_type",
    "mark",
}
_BOOL_FIELDS = {"trusted", "repeat"}


@dataclass
class SessionBuilder:
    """Collects events; ``t`` in ms, coordinates in CSS px, as in docs/events.md."""

    environment: dict[str, Any] = field(default_factory=dict)
    # The corpus clocks tick in whole ms; every training session is put on the same clock so
    # that no source differs from another by its timer's resolution.
    clock_ms: float | None = 1.0
    _parts: dict[str, list[dict[str, np.ndarray]]] = field(default_factory=dict)
    _marks: dict[str, int] = field(default_factory=dict)

    def add(self, event_type: str, t: np.ndarray | float, **cols: Any) -> None:
        tt = np.atleast_1d(np.asarray(t, dtype=np.float64))
        n = tt.size
        if n == 0:
            return
        part = {"t": tt}
        for name, values in cols.items():
            arr = np.asarray(values)
            part[name] = np.broadcast_to(arr, (n,)).copy() if arr.ndim == 0 else arr
        part.setdefault("trusted", np.ones(n, dtype=bool))
        self._parts.setdefault(event_type, []).append(part)

    def moves(self, t: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
        self.add("mousemove", t, x=x, y=y)

    def click(
        self,
        t: float,
        x: float,
        y: float,
        *,
        press_ms: float = 90.0,
        target: tuple[float, float, float, float] | None = None,
    ) -> None:
        """mousedown at ``t``, mouseup and click ``press_ms`` later; ``target`` (cx, cy, w, h)."""
        self.add("mousedown", t, x=x, y=y, button=0)
        self.add("mouseup", t + press_ms, x=x, y=y, button=0)
        if target is None:
            self.add("click", t + press_ms, x=x, y=y, button=0)
        else:
            cx, cy, w, h = target
            self.add("click", t + press_ms, x=x, y=y, button=0, dx=x - cx, dy=y - cy, w=w, h=h)

    def page(self, t: float, mark: str, phase: str) -> None:
        code = self._marks.setdefault(mark, len(self._marks))
        self.add("page", t, mark=code, phase=PAGE_PHASES.index(phase))

    def keys(
        self, press: np.ndarray, release: np.ndarray, key: np.ndarray, pos: np.ndarray
    ) -> None:
        """Keydown/keyup pairs and the input events a text field would fire."""
        self.add("keydown", press, key=key, pos=pos, repeat=np.zeros(press.size, dtype=bool))
        self.add("keyup", release, key=key, pos=pos)
        backspace = key == KEY_CLASSES.index("backspace")
        printable = np.isin(
            key, [KEY_CLASSES.index(k) for k in ("letter", "digit", "space", "other")]
        )
        sel = printable | backspace
        itype = np.where(
            backspace, INPUT_TYPES.index("deleteContentBackward"), INPUT_TYPES.index("insertText")
        )
        self.add(
            "input", press[sel] + 1.0, input_type=itype[sel], delta=np.where(backspace, -1, 1)[sel]
        )

    def insert_text(self, t: float, length: int, *, paste: bool = False) -> None:
        kind = "insertFromPaste" if paste else "insertText"
        self.add("input", t, input_type=INPUT_TYPES.index(kind), delta=length)
        if paste:
            self.add("paste", t - 1.0, length=length)

    def build(self, context: CrossSessionContext | None = None) -> SessionInput:
        events: dict[str, dict[str, np.ndarray]] = {}
        for event_type, parts in self._parts.items():
            names = sorted(set().union(*(p.keys() for p in parts)))
            cols: dict[str, np.ndarray] = {}
            for name in names:
                chunks = []
                for p in parts:
                    n = p["t"].size
                    if name in p:
                        chunks.append(p[name])
                    elif name in _INT_FIELDS:
                        chunks.append(np.full(n, -1))
                    else:
                        chunks.append(np.full(n, np.nan))
                cols[name] = np.concatenate(chunks)
            if self.clock_ms:
                cols["t"] = np.round(cols["t"] / self.clock_ms) * self.clock_ms
            order = np.argsort(cols["t"], kind="stable")
            for name, arr in cols.items():
                arr = arr[order]
                if name in _BOOL_FIELDS:
                    arr = arr.astype(bool)
                elif name in _INT_FIELDS:
                    arr = arr.astype(np.int64)
                else:
                    arr = arr.astype(np.float64)
                cols[name] = arr
            events[event_type] = cols
        labels = {"mark": tuple(self._marks)} if self._marks else {}
        return SessionInput(
            events=events,
            environment=self.environment,
            labels=labels,
            context=context or CrossSessionContext(),
        )
