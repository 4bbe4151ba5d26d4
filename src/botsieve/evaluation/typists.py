"""Synthetic typists drawn from published summary figures, for training.

The Aalto keystroke corpus may only be used to measure, so the shipped model learns people's
typing from this generator instead, and the evaluation scores real Aalto typing with models
that never saw it. The figures are the paper's population summaries (Dhakal et al., CHI 2018:
inter-key interval about 240 ms with a between-person spread of about 110 ms, key hold about
115 ms spread about 25 ms, rollover common among fast typists, a few corrections per
sentence), not anything read from the data.
"""

from __future__ import annotations

import numpy as np

from botsieve.engine.vocab import KEY_CLASSES
from botsieve.evaluation.corpus import Typing

_LETTER, _SPACE, _BACKSPACE, _MODIFIER, _OTHER = (
    KEY_CLASSES.index(k) for k in ("letter", "space", "backspace", "modifier", "other")
)


def synthetic_typist(person: str, rng: np.random.Generator, sentences: int = 15) -> list[Typing]:
    """``sentences`` typed sentences of one made-up person with their own pace and habits."""
    iki = float(np.clip(rng.lognormal(np.log(210), 0.4), 80, 800))
    iki_sigma = float(rng.uniform(0.2, 0.55))
    hold = float(np.clip(rng.normal(110, 25), 50, 200))
    hold_sigma = float(rng.uniform(0.05, 0.4))
    error_rate = float(rng.uniform(0.0, 0.18))
    rollover = float(rng.uniform(0.0, 0.5))
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
        holds = rng.lognormal(np.log(hold), hold_sigma, n)
        # Rollover: the next key goes down while this one is still held; now and then two
        # keys almost together.
        over = rng.random(n) < rollover
        gaps[1:] = np.where(over[1:], rng.uniform(0.5, 1.0, n - 1) * holds[:-1], gaps[1:])
        chord = rng.random(n) < 0.003
        gaps = np.where(chord, rng.uniform(5, 25, n), gaps)
        gaps[0] = 0.0
        press = np.cumsum(gaps)
        holds[0] += float(rng.uniform(50, 200))  # shift is held over the next key
        out.append(
            Typing(
                person,
                press.round(),
                (press + holds).round(),
                key.astype(np.int64),
                pos.astype(np.int64),
            )
        )
    return out
