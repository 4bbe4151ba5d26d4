"""The one function that turns a probability and the engine's verdict into a decision.

Everything the product says about a session (the API's ``is_bot``, the dashboard, the overview,
integrations, webhooks, exports) reads its decision from here or from the session's stored
``decision``, which is this function's answer under the survey's current rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Decision = Literal["exclude", "review", "keep", "insufficient_evidence"]
DECISIONS: tuple[Decision, ...] = ("exclude", "review", "keep", "insufficient_evidence")
INSUFFICIENT: Decision = "insufficient_evidence"


@dataclass(frozen=True)
class Rule:
    """Exclude from ``threshold``; send to review from ``review_from`` up to it (when set)."""

    threshold: float
    review_from: float | None = None


Review = Literal["confirmed_bot", "dismissed"]
REVIEWED: dict[str, Decision] = {"confirmed_bot": "exclude", "dismissed": "keep"}


def decide(
    rule: Rule, probability: float, verdict: str | None, review: str | None = None
) -> Decision:
    """The decision for one analysed session.

    ``verdict`` is the engine's (bot, human, insufficient_evidence; None from an engine that
    does not say). When the engine abstains the session is neither excluded nor kept as a
    person: it has a state of its own, whatever the probability. A researcher's review
    (confirmed bot, or dismissed as a person) overrides the rule.
    """
    if review in REVIEWED:
        return REVIEWED[review]
    if verdict == INSUFFICIENT:
        return INSUFFICIENT
    if probability >= rule.threshold:
        return "exclude"
    if rule.review_from is not None and probability >= rule.review_from:
        return "review"
    return "keep"


def engine_verdict(result: object) -> str:
    """The engine's own verdict, read from ``verdict`` when it has one, else from ``is_bot``."""
    verdict = getattr(result, "verdict", None)
    if verdict:
        return str(verdict)
    return "bot" if getattr(result, "is_bot", False) else "human"
