"""Each benign habit changes a session the way the habit does, and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from botsieve.engine.vocab import INPUT_TYPES, PAGE_PHASES
from botsieve.evaluation import habits
from tests.engine.sessions import hand_session

RNG = np.random.default_rng(0)


def _count(session, kind: str) -> int:  # type: ignore[no-untyped-def]
    return int(session.events.get(kind, {"t": np.zeros(0)})["t"].size)


def test_every_habit_keeps_the_session_sorted_and_aligned() -> None:
    base = hand_session(0)
    for name, habit in habits.HABITS.items():
        changed = habit(base, np.random.default_rng(1))
        for kind, cols in changed.events.items():
            n = cols["t"].size
            assert all(v.shape == (n,) for v in cols.values()), (name, kind)
            assert np.all(np.diff(cols["t"]) >= 0), (name, kind)


def test_a_pasted_answer_adds_a_paste_and_its_text() -> None:
    base = hand_session(0)
    for habit in (habits.paste_keyboard, habits.paste_menu):
        s = habit(base, RNG)
        assert _count(s, "paste") == _count(base, "paste") + 1
        pasted = s.events["input"]["input_type"] == INPUT_TYPES.index("insertFromPaste")
        assert pasted.sum() == 1


def test_a_dictated_answer_has_no_keys() -> None:
    base = hand_session(0)
    s = habits.dictated(base, RNG)
    assert _count(s, "keydown") == _count(base, "keydown")
    assert _count(s, "input") > _count(base, "input")


def test_a_long_press_holds_the_button_for_seconds() -> None:
    s = habits.long_press(hand_session(0), RNG)
    downs, ups = s.events["mousedown"]["t"], s.events["mouseup"]["t"]
    assert np.max(ups[:, None] - downs[None, :]) >= 2000


def test_while_the_button_is_held_the_pointer_moves_only_as_the_drag() -> None:
    """The drag replaces the person's own pointer events of those seconds (a hand cannot drag
    and move elsewhere at once): it goes one way, from the press to where the recording goes
    on, with a pixel of tremor, never zig-zagging back to where the recording was."""
    base = hand_session(0)
    s = habits.long_press(base, np.random.default_rng(3))
    down, up = s.events["mousedown"], s.events["mouseup"]
    pressed = np.argmax(np.isin(down["t"], base.events["mousedown"]["t"], invert=True))
    t0 = float(down["t"][pressed])
    t1 = float(up["t"][np.argmax(np.isin(up["t"], base.events["mouseup"]["t"], invert=True))])
    assert t1 - t0 >= 2000
    for kind in ("mousedown", "mouseup", "click"):
        inside = (s.events[kind]["t"] > t0) & (s.events[kind]["t"] < t1)
        assert not inside.any(), kind
    mm = s.events["mousemove"]
    held = (mm["t"] > t0) & (mm["t"] < t1)
    x, y = mm["x"][held], mm["y"][held]
    travelled = float(np.hypot(np.diff(x), np.diff(y)).sum())
    chord = float(np.hypot(x[-1] - x[0], y[-1] - y[0]))
    assert held.sum() >= 40 and travelled <= chord + 2.5 * held.sum()
    # It starts where the button went down.
    first = np.flatnonzero(held)[0]
    assert abs(mm["x"][first] - down["x"][pressed]) <= 4
    assert abs(mm["y"][first] - down["y"][pressed]) <= 4


def test_a_label_wrapped_radio_doubles_each_click_at_one_instant() -> None:
    base = hand_session(0)
    s = habits.label_radio(base, RNG)
    assert _count(s, "click") == 2 * _count(base, "click")
    assert (np.diff(s.events["click"]["t"]) == 0).sum() == _count(base, "click")


@pytest.mark.parametrize(
    ("habit", "spacing"),
    [(habits.trackpad_30hz, 1000 / 30), (habits.coalesced_60hz, 1000 / 60)],
)
def test_resampled_streams_are_sparser(habit, spacing: float) -> None:  # type: ignore[no-untyped-def]
    s = habit(hand_session(0), RNG)
    gaps = np.diff(s.events["mousemove"]["t"])
    assert np.median(gaps) >= spacing * 0.9


def test_a_remote_desktop_stream_is_sparse_with_shared_timestamps() -> None:
    s = habits.remote_desktop(hand_session(0), RNG)
    gaps = np.diff(s.events["mousemove"]["t"])
    assert np.median(gaps[gaps > 0]) >= 100 and (gaps == 0).any()


def test_keyboard_only_and_touch_only_leave_no_mouse() -> None:
    base = hand_session(0)
    keys = habits.keyboard_only(base, RNG)
    touch = habits.touch_only(base, RNG)
    for s in (keys, touch):
        assert not {"mousemove", "mousedown", "mouseup"} & set(s.events)
    assert _count(keys, "keydown") == _count(base, "keydown") + _count(base, "click")
    assert _count(touch, "touchmove") == _count(base, "mousemove")


def test_shared_devices_and_addresses_change_only_the_context() -> None:
    base = hand_session(0)
    lab, home = habits.shared_lab(base, RNG), habits.household(base, RNG)
    assert lab.context.same_device_sessions == 29
    assert home.context.same_ip_sessions == 8
    assert lab.events == base.events


def test_a_reading_pause_delays_the_rest_of_the_session() -> None:
    base = hand_session(0)
    s = habits.reading_pause(base, RNG)
    assert s.events["mousemove"]["t"][-1] - base.events["mousemove"]["t"][-1] >= 60_000


def test_no_submitted_marks_keeps_only_shown_pages() -> None:
    s = habits.no_submitted_marks(hand_session(0), RNG)
    assert set(s.events["page"]["phase"].tolist()) == {PAGE_PHASES.index("shown")}
