"""The engine's input and output: plain dataclasses over numpy arrays.

Shapes and units: every array in ``SessionInput.events[type]`` has shape ``(n,)`` for the ``n``
events of that type, sorted by ``t`` (milliseconds since the collector started). Coordinates
are CSS pixels. See ``docs/events.md`` for every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

EventColumns = dict[str, np.ndarray]


@dataclass(frozen=True)
class CrossSessionContext:
    """What the service knows about other sessions of the same survey.

    ``same_device_sessions``: other sessions of the survey with the same device signature;
    ``same_ip_sessions``: other sessions with the same IP hash;
    ``trajectory_signatures``: compact signatures of recent sessions' mouse paths, compared with
    this session's to find replays (shape ``(k, d)``, float64; may be empty);
    ``stroke_signatures``: their single strokes, to find a stroke library reused.
    """

    same_device_sessions: int = 0
    same_ip_sessions: int = 0
    trajectory_signatures: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    # Stroke signatures of recent sessions' bent strokes, all sessions' rows stacked
    # (``engine.strokes``; shape ``(m, STROKE_DIM)``, may be empty).
    stroke_signatures: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))


@dataclass(frozen=True)
class SessionInput:
    events: dict[str, EventColumns]
    environment: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    context: CrossSessionContext = field(default_factory=CrossSessionContext)

    @property
    def event_count(self) -> int:
        return int(sum(len(cols["t"]) for cols in self.events.values() if "t" in cols))


@dataclass(frozen=True)
class Reason:
    """One piece of evidence, readable by a researcher: ``code`` is stable, ``text`` explains."""

    code: str
    text: str
    value: float | str | bool | None = None


@dataclass(frozen=True)
class MethodScore:
    score: float
    weight: float
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class AnalysisResult:
    is_bot: bool
    bot_probability: float
    confidence_score: float
    risk_level: str
    method_scores: dict[str, MethodScore]
    analysis_summary: str
    model_version: str
    event_count: int
    processing_time_ms: float
    quality_flags: tuple[str, ...] = ()
    features: dict[str, float] = field(default_factory=dict)
    # "bot", "human" or "insufficient_evidence" (then ``missing_evidence`` says what is missing).
    verdict: str = "human"
    missing_evidence: tuple[str, ...] = ()
    # How many detectors each added at least a unit of log-odds (a bot verdict needs two).
    lines_of_evidence: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_bot": self.is_bot,
            "verdict": self.verdict,
            "missing_evidence": list(self.missing_evidence),
            "lines_of_evidence": self.lines_of_evidence,
            "bot_probability": self.bot_probability,
            "confidence_score": self.confidence_score,
            "risk_level": self.risk_level,
            "method_scores": {
                name: {
                    "score": m.score,
                    "weight": m.weight,
                    "reasons": [
                        {"code": r.code, "text": r.text, "value": r.value} for r in m.reasons
                    ],
                }
                for name, m in self.method_scores.items()
            },
            "analysis_summary": self.analysis_summary,
            "model_version": self.model_version,
            "event_count": self.event_count,
            "processing_time_ms": self.processing_time_ms,
            "quality_flags": list(self.quality_flags),
        }
