"""Hypothesis strategies for events that the schema accepts, and ways to break them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from pydantic import TypeAdapter

from botsieve.sessions.event_schema import Event

_events = TypeAdapter(list[Event])

times = st.floats(min_value=0, max_value=86_400_000, allow_nan=False)
coords = st.floats(min_value=-100_000, max_value=1_000_000, allow_nan=False)
deltas = st.floats(min_value=-1_000_000, max_value=1_000_000, allow_nan=False)
sizes = st.floats(min_value=0, max_value=1_000_000, allow_nan=False)
# Text a database can store: no NUL, no lone surrogates (those are refused, see below).
storable = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
short_ids = st.text(storable, min_size=1, max_size=64)
key_classes = st.sampled_from(
    ["letter", "digit", "space", "backspace", "enter", "modifier", "navigation", "other"]
)


def _event(kind: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just(kind), "t": times, **fields},
        optional={"trusted": st.booleans()},
    )


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


any_event = st.one_of(
    _event("mousemove", x=coords, y=coords),
    _event("mousedown", x=coords, y=coords, button=st.integers(0, 4)),
    _event(
        "click",
        x=coords,
        y=coords,
        dx=_optional(deltas),
        dy=_optional(deltas),
        w=_optional(sizes),
        h=_optional(sizes),
    ),
    _event("wheel", dx=deltas, dy=deltas),
    _event("scroll", x=coords, y=coords),
    _event("keydown", key=key_classes, pos=st.integers(-1, 255), repeat=st.booleans()),
    _event("keyup", key=key_classes),
    _event(
        "input",
        input_type=st.text(storable, min_size=1, max_size=40),
        delta=st.integers(-1_000_000, 1_000_000),
        field=_optional(short_ids),
    ),
    _event("paste", length=st.integers(0, 10_000_000)),
    _event("focus", target=_optional(short_ids)),
    _event("visibilitychange", state=st.sampled_from(["visible", "hidden"])),
    _event("resize", w=sizes, h=sizes),
    _event("touchmove", x=coords, y=coords, id=_optional(st.integers(0, 1_000_000))),
    _event(
        "page",
        mark=st.text(storable, min_size=1, max_size=128),
        phase=st.sampled_from(["shown", "submitted"]),
    ),
)


def event_batches(max_size: int = 40) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(any_event, min_size=1, max_size=max_size)


def parse_events(raw: list[dict[str, Any]]) -> list[Any]:
    return _events.validate_python(raw)
