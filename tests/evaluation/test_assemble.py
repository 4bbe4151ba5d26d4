"""Session assembly, on small made-up traces in the corpus's shapes."""

from __future__ import annotations

import numpy as np

from botsieve.engine.vocab import KEY_CLASSES
from botsieve.evaluation.assemble import chunk_trace, human_session, web_sessions
from botsieve.evaluation.corpus import MouseTrace, Typing, WebSession, key_class


def _trace(seconds: float = 130.0) -> MouseTrace:
    rng = np.random.default_rng(0)
    t = np.arange(0.0, seconds * 1000, 17.0)
    n = t.size
    x, y = np.cumsum(rng.normal(0, 3, n)) + 500, np.cumsum(rng.normal(0, 3, n)) + 400
    state = np.zeros(n, np.int64)
    button = np.zeros(n, np.int64)
    for i in range(100, n - 10, 150):  # a left click every ~2.5 s
        state[i], state[i + 5] = 2, 3
        button[i] = button[i + 5] = 1
        x[i + 5], y[i + 5] = x[i], y[i]
    return MouseTrace("p1", t, x, y, button, state)


def _typing() -> list[Typing]:
    press = np.arange(20) * 200.0
    return [Typing("t1", press, press + 90, np.zeros(20, np.int64), np.full(20, 65))]


def test_chunks_are_about_a_minute() -> None:
    chunks = chunk_trace(_trace())
    assert len(chunks) == 2
    assert all(50_000 < c.t[-1] - c.t[0] <= 60_000 for c in chunks)


def test_human_session_has_clicks_keys_and_pages_in_order() -> None:
    s = human_session(chunk_trace(_trace())[0], _typing(), np.random.default_rng(0))
    ev = s.events
    assert ev["click"]["t"].size > 10
    assert ev["keydown"]["t"].size == 20 and ev["input"]["t"].size == 20
    assert ev["page"]["t"].size >= 4
    for cols in ev.values():
        assert np.all(np.diff(cols["t"]) >= 0)
    # While the person types, the pointer rests.
    k0, k1 = ev["keydown"]["t"][0], ev["keyup"]["t"][-1]
    moves = ev["mousemove"]["t"]
    assert not np.any((moves > k0) & (moves < k1))


def test_web_sessions_get_timed_clicks_without_invented_presses() -> None:
    t = np.arange(0.0, 70_000, 17.0)
    web = WebSession(
        "s",
        "human",
        t,
        np.arange(t.size) % 900.0,
        np.zeros(t.size),
        np.array([10, 2000, 3500]),
        np.array([1.0, 2.0, 3.0]),
        np.zeros(3),
    )
    chunks = web_sessions(web, np.random.default_rng(0))
    assert len(chunks) == 1
    ev = chunks[0].events
    assert ev["click"]["t"].size == 3 and "mousedown" not in ev and "scroll" not in ev


def test_key_classes_never_keep_characters() -> None:
    assert key_class("a") == key_class("Z") == KEY_CLASSES.index("letter")
    assert key_class("7") == KEY_CLASSES.index("digit")
    assert key_class("BKSP") == KEY_CLASSES.index("backspace")
    assert key_class("SHIFT") == KEY_CLASSES.index("modifier")
    assert key_class("?") == KEY_CLASSES.index("other")
