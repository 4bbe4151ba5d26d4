"""Synthetic typists drawn from published summary figures, for training.

The Aalto keystroke corpus may only be used to measure, so the shipped model learns people's
typing from this generator instead, and the evaluation scores real Aalto typing with models
that never saw it. The figures are the paper's population summaries (Dhakal et al., CHI 2018:
inter-key interval about 240 ms with a between-person spread of about 110 ms, key hold about
115 ms spread about 25 ms, rollover common among fast typists, a few corrections per
sentence), not anything read from the data.

On top of a person's pace, two things every typist has and a single pace misses: each key is
held for its own time (fingers differ in strength and travel) and each pair of keys is crossed
at its own speed (alternating hands are quick, one finger twice is slow), so a person's holds
and flights spread by key as well as by moment. And keyboards report on a clock of their own:
most USB keyboards are polled every 8 ms, some every 16 ms or 1 ms, so a real person's key
times fall on that grid.
"""

from __future__ import annotations

import numpy as np

from botsieve.engine.vocab import KEY_CLASSES
from botsieve.evaluation.corpus import Typing

_LETTER, _SPACE, _BACKSPACE, _MODIFIER, _OTHER = (
    KEY_CLASSES.index(k) for k in ("letter", "space", "backspace", "modifier", "other")
)


# Key position codes run below this (letters 65-90, space 32, backspace 8, shift 16).
_CODES = 128
# How often keyboards are read (ms) and the share of typists on each: 125 Hz is USB's default
# for keyboards, 1000 Hz gaming keyboards, 62.5 Hz some wireless ones.
_POLL_MS = (8.0, 1.0, 16.0)
_POLL_SHARE = (0.6, 0.25, 0.15)


def _on_poll_grid(times: np.ndarray, poll_ms: float, rng: np.random.Generator) -> np.ndarray:
    """Times (ms) as a keyboard read every ``poll_ms`` reports them: at the next poll, plus
    the system's 0-2 ms to deliver the event, on the whole-ms clock."""
    return (np.ceil(times / poll_ms) * poll_ms + rng.uniform(0.0, 2.0, times.size)).round()


def synthetic_typist(person: str, rng: np.random.Generator, sentences: int = 15) -> list[Typing]:
    """``sentences`` typed sentences of one made-up person with their own pace and habits."""
    iki = float(np.clip(rng.lognormal(np.log(210), 0.4), 80, 800))
    iki_sigma = float(rng.uniform(0.15, 0.45))
    hold = float(np.clip(rng.normal(110, 25), 50, 200))
    hold_sigma = float(rng.uniform(0.05, 0.3))
    error_rate = float(rng.uniform(0.0, 0.18))
    rollover = float(rng.uniform(0.0, 0.5))
    # This person's own time per key and per pair of keys (indexed by key position code).
    key_hold = rng.lognormal(0.0, float(rng.uniform(0.05, 0.2)), _CODES)
    pair_flight = rng.lognormal(0.0, float(rng.uniform(0.1, 0.3)), (_CODES, _CODES))
    poll_ms = float(rng.choice(_POLL_MS, p=_POLL_SHARE))
    out = []
    for _ in range(sentences):
        n = int(rng.integers(25, 60))
        key = np.where(rng.random(n) < 0.17, _SPACE, _LETTER)
        key[0] = _MODIFIER  # a capital to start
        key[-1] = _OTHER  # closing punctuation
        wrong = rng.random(n) < error_rate
        key = np.where(wrong, _BACKSPACE, key)
        pos = np.where(key == _SPACE, 32, np.where(key == _BACKSPACE, 8, rng.integers(65, 91, n)))
        pos[0] = 16
        # Pauses between words are longer than within them.
        gaps = rng.lognormal(np.log(iki), iki_sigma, n) * np.where(key == _SPACE, 1.3, 1.0)
        gaps[1:] *= pair_flight[pos[:-1], pos[1:]]
        holds = rng.lognormal(np.log(hold), hold_sigma, n) * key_hold[pos]
        # Rollover: the next key goes down while this one is still held; now and then two
        # keys almost together.
        over = rng.random(n) < rollover
        gaps[1:] = np.where(over[1:], rng.uniform(0.5, 1.0, n - 1) * holds[:-1], gaps[1:])
        chord = rng.random(n) < 0.003
        gaps = np.where(chord, rng.uniform(5, 25, n), gaps)
        gaps[0] = 0.0
        press = np.cumsum(gaps)
        holds[0] += float(rng.uniform(50, 200))  # shift is held over the next key
        press, release = (
            _on_poll_grid(press, poll_ms, rng),
            _on_poll_grid(press + holds, poll_ms, rng),
        )
        out.append(
            Typing(
                person,
                press,
                np.maximum(release, press + 1.0),
                key.astype(np.int64),
                pos.astype(np.int64),
            )
        )
    return out
