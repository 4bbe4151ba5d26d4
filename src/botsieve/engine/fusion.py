"""From the detectors' evidence to a verdict, for one session or many at once.

``analyze`` and the evaluation both call these array functions, so what the evaluation
measures is exactly what the service says. Three rules sit on top of the model's log-odds:

- **Two independent lines.** Without proof, a bot verdict needs at least ``MIN_LINES``
  detectors each adding ``LINE_LOGIT`` or more. A session that only one detector speaks
  against is held just under the threshold: an unusual hand, a pasted answer or an odd
  browser is one habit, and one habit is no reason to exclude a person.
- **Shared devices and addresses, and a pointer set on its targets, never decide.** Their
  log-odds are added only to a session that is a bot verdict without them: labs and
  households share both, voice control and switch access set the pointer as scripts do, and
  a person whose behaviour is merely unusual must not be pushed over the threshold by the
  room they sit in or the tool they need. They raise the probability (and the risk shown) of
  a bot already found.
- **Not enough evidence is an answer.** When neither the mouse nor the keyboard gave the
  detectors enough to measure, and nothing proves automation, the verdict is
  ``insufficient_evidence`` with what is missing, never "human". So it is when a tool set the
  pointer on its targets and the pointer never moved enough to measure: typing is then the
  only behaviour left, and an agent types with a made-up rhythm as easily as a person does.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np

from botsieve.engine.detectors import REGISTRY
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.detectors.mouse import MOTION_FEATURES

# The independent lines of evidence: the detectors, with the mouse's two kinds apart (where
# the pointer goes, and how it moves in time).
LINES = (
    "environment",
    "provenance",
    "placement",
    "mouse_path",
    "mouse_motion",
    "keystroke",
    "tempo",
    "cross_session",
)
MOUSE_MOTION = frozenset(
    (*MOTION_FEATURES, "mouse_turn_mean_abs", "mouse_turn_flip_share", "mouse_tiny_step_share")
)
# Lines that only corroborate: never one of the ``MIN_LINES`` and never part of the decision,
# they raise the probability of a bot already found. A pointer set on its targets is how
# voice control and switch access click (``detectors.placement``).
CORROBORATING_LINES = frozenset(("placement",))
_DECIDING = np.array([name not in CORROBORATING_LINES for name in LINES])
LINE_LOGIT = 1.0
# No line's learned features may add or take away more than this together: however many of
# them agree, one kind of evidence stays one kind (an unusual mouse, or a mouse the model never
# saw, is many unusual mouse features at once). Hand-set rules, which name affirmative
# evidence, come on top.
LINE_CAP = 5.0
MIN_LINES = 2
# A pointer set on its targets (jumps, exact centres) is how voice control and other
# assistive tools click, as well as how scripts do, and no person in training does it: like
# pasted text, it is contextual evidence, not "outside people's range". Its learned features
# add nothing bot-ward (``PLACEMENT_CAP``); the placement detector's one rule for it carries
# a weight measured on the robustness suite's ``voice_control`` (with the learned features on
# top, one voice-controlled person in six who typed was flagged), on a line that is never
# counted as one of the two.
PLACEMENT = frozenset(("prov_click_jump_share", "prov_click_center_share"))
PLACEMENT_CAP = 0.0
# Held this far (in log-odds) under the threshold when only one line speaks.
ONE_LINE_MARGIN = 0.05
VERDICTS = ("bot", "human", "insufficient_evidence")
# What the mouse and the keyboard need before their detectors measure anything.
MISSING_MOUSE = "mouse: too little pointer movement to measure (20 moves in strokes)"
MISSING_KEYS = "keyboard: fewer than 10 key presses to measure"
MISSING_CLOCK = "timing: the browser's clock is too coarse to measure rhythm"
MISSING_MOTION = (
    "mouse: the pointer was set on its targets with no movement on the way (an agent does "
    "this, and so does voice control), and typing alone does not tell them apart"
)


def logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def line_of(feature: str, detector: str) -> int:
    """The line of evidence a feature of ``detector`` belongs to, as an index into ``LINES``."""
    if detector == "mouse":
        return LINES.index("mouse_motion" if feature in MOUSE_MOTION else "mouse_path")
    return LINES.index(detector)


DETECTOR_NAMES = tuple(d.name for d in REGISTRY)


# Index of the placement features' own group in ``feature_lines`` (after the lines).
_PLACEMENT_GROUP = len(LINES)


@functools.cache
def feature_lines(names: tuple[str, ...]) -> tuple[int, ...]:
    """Each learned feature's line of evidence, as an index into ``LINES`` (worked out once
    per model's feature list); the pointer-placement features get ``len(LINES)``, a group
    of their own that counts on the provenance line."""
    owner = {n: d.name for d in REGISTRY for n in d.feature_names}
    return tuple(_PLACEMENT_GROUP if n in PLACEMENT else line_of(n, owner[n]) for n in names)


def line_logits(
    contributions: np.ndarray,
    feature_line: Sequence[int],
    rules: np.ndarray,
    detectors: Sequence[str],
) -> np.ndarray:
    """Log-odds each line adds, shape ``(n, len(LINES))``: its learned features'
    contributions ``(n, k)`` (feature ``j`` belongs to line ``feature_line[j]``), together held
    to ``LINE_CAP``, plus the rules ``(n, d)`` of ``detectors`` (a mouse rule counts on the path
    line)."""
    learned = np.zeros((contributions.shape[0], len(LINES) + 1))
    for j, line in enumerate(feature_line):
        learned[:, line] += contributions[:, j]
    placement = np.minimum(learned[:, _PLACEMENT_GROUP], PLACEMENT_CAP)
    learned = learned[:, :_PLACEMENT_GROUP]
    learned[:, LINES.index("provenance")] += placement
    out = np.clip(learned, -LINE_CAP, LINE_CAP)
    for i, name in enumerate(detectors):
        out[:, line_of("", name)] += rules[:, i]
    return out


def lines_of_evidence(per_line: np.ndarray) -> np.ndarray:
    """How many lines each add at least ``LINE_LOGIT``, shape ``(n,)``; the
    ``CORROBORATING_LINES`` are not counted."""
    return (per_line[:, _DECIDING] >= LINE_LOGIT).sum(axis=1)


def fuse(
    base: float,
    per_line: np.ndarray,
    shared: np.ndarray,
    proof: np.ndarray,
    threshold: float | None,
) -> np.ndarray:
    """Final log-odds per session, shape ``(n,)``. With ``threshold`` None (while a threshold
    is being chosen) one-line sessions get ``-inf``: no threshold could flag them.

    ``per_line`` ``(n, len(LINES))`` from ``line_logits``; ``shared`` ``(n,)`` the
    shared-device and shared-address log-odds; ``proof`` ``(n,)`` bool.
    """
    z = base + per_line[:, _DECIDING].sum(axis=1)
    one_line = (lines_of_evidence(per_line) < MIN_LINES) & ~proof
    if threshold is None:  # what only corroborates plays no part in choosing the threshold
        return np.where(one_line, -math.inf, z)
    cut = logit(threshold)
    z = np.where(one_line, np.minimum(z, cut - ONE_LINE_MARGIN), z)
    # Measured on the robustness suite: with a lower threshold, 29 others on one lab computer
    # (+2 log-odds) took a person whose behaviour read 0.68 over a fold's threshold of 0.893;
    # a pointer placed on every target (+3) took a voice-controlled typist whose mouse was
    # unmeasured and whose typing and pacing read just under it.
    corroborating = shared + per_line[:, ~_DECIDING].sum(axis=1)
    return np.where(z >= cut, z + corroborating, z)


def missing_evidence(
    measured: Mapping[str, bool], coarse_clock: bool, pointer_set: bool = False
) -> tuple[str, ...]:
    """What is missing for a behavioural verdict; empty when the mouse was measured, or the
    keyboard was and no tool set the pointer. ``measured`` maps detector name to whether it
    measured anything; with a coarse clock the keyboard's rhythm cannot be measured at all;
    ``pointer_set``: the clicks came by a pointer set on its targets
    (``detectors.placement``)."""
    if measured.get("mouse"):
        return ()
    typed = bool(measured.get("keystroke")) and not coarse_clock
    keys = () if typed else (MISSING_CLOCK if coarse_clock else MISSING_KEYS,)
    if pointer_set:
        return (MISSING_MOTION, *keys)
    return (MISSING_MOUSE, *keys) if keys else ()


def pointer_set(evidence: Mapping[str, Evidence]) -> bool:
    """Whether the placement detector found the pointer set on its targets by a tool."""
    placement = evidence.get("placement")
    return bool(placement and placement.extra.get("pointer_set"))


def verdict(is_bot: bool, proof: bool, missing: Sequence[str]) -> str:
    if is_bot or proof:
        return "bot"
    return "insufficient_evidence" if missing else "human"
