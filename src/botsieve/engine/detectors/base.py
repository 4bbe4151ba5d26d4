"""The detector contract.

A detector reads one session and returns its ``Evidence``: a fixed set of named, finite
features (the fusion model's inputs), readable reasons for the researcher, and ``proof``:
reasons that on their own show automation (a webdriver flag, synthesised events), which the
fusion applies as hard rules whatever the model says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from botsieve.engine.types import Reason, SessionInput


@dataclass(frozen=True)
class Evidence:
    features: dict[str, float]
    reasons: tuple[Reason, ...] = ()
    proof: tuple[Reason, ...] = ()
    # Log-odds added by hand-set rules that are strong but not proof (see docs/detection.md).
    rule_logit: float = 0.0
    # Log-odds that only corroborate (shared devices and addresses): counted only when the
    # behavioural detectors already lean bot-ward, and never a line of evidence on their own.
    shared_logit: float = 0.0
    # False when the session had nothing for this detector to read (no mouse, no keys...).
    observed: bool = True
    extra: dict[str, float] = field(default_factory=dict)


class Detector(Protocol):
    """``name`` is the key in ``method_scores``; ``feature_names`` lists ``features`` keys;
    ``learned`` says whether the fusion model learns from them (else they are hand-set
    rules); ``sides`` names features for which only one side of people's range is suspicious
    (-1 below, +1 above): slow, idle or hesitant is careless at worst, never a bot's mark;
    ``describe`` words what a learned feature far above / below a typical person's says."""

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def learned(self) -> bool: ...

    @property
    def feature_names(self) -> tuple[str, ...]: ...

    @property
    def sides(self) -> Mapping[str, int]: ...

    @property
    def describe(self) -> Mapping[str, tuple[str, str]]: ...

    def extract(self, session: SessionInput) -> Evidence: ...
