"""The event types the collector sends, their fields and limits (see docs/events.md).

The pydantic models validate requests and document them in OpenAPI; ``FIELDS`` is the same
schema as a table the codec uses to store each type in columns.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from botsieve.kit.text import StorableText

MAX_SESSION_MS = 86_400_000.0
COORD_MIN, COORD_MAX = -100_000.0, 1_000_000.0
DELTA_LIMIT = 1_000_000.0

Ms = Annotated[float, Field(ge=0, le=MAX_SESSION_MS, allow_inf_nan=False)]
Coord = Annotated[float, Field(ge=COORD_MIN, le=COORD_MAX, allow_inf_nan=False)]
Delta = Annotated[float, Field(ge=-DELTA_LIMIT, le=DELTA_LIMIT, allow_inf_nan=False)]
Size = Annotated[float, Field(ge=0, le=COORD_MAX, allow_inf_nan=False)]
Button = Annotated[int, Field(ge=0, le=4)]
ShortId = Annotated[StorableText, StringConstraints(min_length=1, max_length=64)]
KeyClass = Literal[
    "letter", "digit", "space", "backspace", "enter", "modifier", "navigation", "other"
]


class _Event(BaseModel):
    # Strict: a number is a JSON number and a flag a JSON boolean ("1", true or 1.0 where an
    # integer belongs are refused, not coerced); NaN and Infinity are refused by the fields.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    t: Ms
    trusted: bool = True


class _Pointer(_Event):
    x: Coord
    y: Coord


class MouseMove(_Pointer):
    type: Literal["mousemove"]


class MouseButton(_Pointer):
    type: Literal["mousedown", "mouseup"]
    button: Button = 0


class Click(_Pointer):
    type: Literal["click"]
    button: Button = 0
    dx: Delta | None = None
    dy: Delta | None = None
    w: Size | None = None
    h: Size | None = None


class Wheel(_Event):
    type: Literal["wheel"]
    dx: Delta
    dy: Delta
    x: Coord | None = None
    y: Coord | None = None


class Scroll(_Pointer):
    type: Literal["scroll"]


class Key(_Event):
    type: Literal["keydown", "keyup"]
    key: KeyClass
    pos: Annotated[int, Field(ge=-1, le=255)] = -1
    repeat: bool = False


class Input(_Event):
    type: Literal["input"]
    input_type: Annotated[StorableText, StringConstraints(min_length=1, max_length=40)]
    delta: Annotated[int, Field(ge=-1_000_000, le=1_000_000)]
    field: ShortId | None = None


class Clipboard(_Event):
    type: Literal["paste", "copy"]
    length: Annotated[int, Field(ge=0, le=10_000_000)]
    field: ShortId | None = None


class Focus(_Event):
    type: Literal["focus", "blur"]
    target: ShortId | None = None


class Visibility(_Event):
    type: Literal["visibilitychange"]
    state: Literal["visible", "hidden"]


class Resize(_Event):
    type: Literal["resize"]
    w: Size
    h: Size


class Touch(_Pointer):
    type: Literal["touchstart", "touchmove", "touchend"]
    id: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    force: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None


class Page(_Event):
    type: Literal["page"]
    mark: Annotated[StorableText, StringConstraints(min_length=1, max_length=128)]
    phase: Literal["shown", "submitted"]


Event = Annotated[
    MouseMove
    | MouseButton
    | Click
    | Wheel
    | Scroll
    | Key
    | Input
    | Clipboard
    | Focus
    | Visibility
    | Resize
    | Touch
    | Page,
    Field(discriminator="type"),
]

# How each field is stored: "f" number (kept to 0.1 units), "i" integer, "b" boolean,
# "v" a code of a fixed vocabulary (botsieve.engine.vocab), "s" a free-form string.
FieldKind = Literal["f", "i", "b", "v", "s"]
_COMMON: tuple[tuple[str, FieldKind], ...] = (("t", "f"), ("trusted", "b"))
_XY: tuple[tuple[str, FieldKind], ...] = (("x", "f"), ("y", "f"))

FIELDS: dict[str, tuple[tuple[str, FieldKind], ...]] = {
    "mousemove": _COMMON + _XY,
    "mousedown": (*_COMMON, *_XY, ("button", "i")),
    "mouseup": (*_COMMON, *_XY, ("button", "i")),
    "click": (*_COMMON, *_XY, ("button", "i"), ("dx", "f"), ("dy", "f"), ("w", "f"), ("h", "f")),
    "wheel": (*_COMMON, ("dx", "f"), ("dy", "f"), *_XY),
    "scroll": _COMMON + _XY,
    "keydown": (*_COMMON, ("key", "v"), ("pos", "i"), ("repeat", "b")),
    "keyup": (*_COMMON, ("key", "v"), ("pos", "i"), ("repeat", "b")),
    "input": (*_COMMON, ("input_type", "v"), ("delta", "i"), ("field", "s")),
    "paste": (*_COMMON, ("length", "i"), ("field", "s")),
    "copy": (*_COMMON, ("length", "i"), ("field", "s")),
    "focus": (*_COMMON, ("target", "s")),
    "blur": (*_COMMON, ("target", "s")),
    "visibilitychange": (*_COMMON, ("state", "v")),
    "resize": (*_COMMON, ("w", "f"), ("h", "f")),
    "touchstart": (*_COMMON, *_XY, ("id", "i"), ("force", "f")),
    "touchmove": (*_COMMON, *_XY, ("id", "i"), ("force", "f")),
    "touchend": (*_COMMON, *_XY, ("id", "i"), ("force", "f")),
    "page": (*_COMMON, ("mark", "s"), ("phase", "v")),
}
EVENT_TYPES = tuple(FIELDS)

# A batch may interleave listeners slightly out of order; a bigger step back is a broken clock.
MAX_BACKWARDS_MS = 1000.0
