"""Detection engine: turns one session's events into a bot probability with reasons.

Pure: numpy and the standard library only, no I/O, nothing from the rest of botsieve.
The service loads the trained model artefact and passes it in.
"""

import numpy as np

from botsieve.engine.analyze import analyze, extract_features
from botsieve.engine.detectors import REGISTRY
from botsieve.engine.model import Model, load_model
from botsieve.engine.signature import SIGNATURE_DIM, signature_distance, trajectory_signature
from botsieve.engine.strokes import STROKE_DIM, stroke_signatures
from botsieve.engine.types import (
    AnalysisResult,
    CrossSessionContext,
    MethodScore,
    Reason,
    SessionInput,
)

__all__ = [
    "REGISTRY",
    "SIGNATURE_DIM",
    "STROKE_DIM",
    "AnalysisResult",
    "CrossSessionContext",
    "MethodScore",
    "Model",
    "Reason",
    "SessionInput",
    "analyze",
    "extract_features",
    "load_model",
    "session_signature",
    "session_strokes",
    "signature_distance",
    "stroke_signatures",
    "trajectory_signature",
]


def session_signature(session: SessionInput) -> list[float]:
    """The session's trajectory signature as a JSON-ready list (empty when too short)."""
    cols = session.events.get("mousemove", {})
    if "x" not in cols:
        return []
    return [float(v) for v in trajectory_signature(cols["x"], cols["y"])]


def session_strokes(session: SessionInput) -> np.ndarray:
    """The session's stroke signatures, shape ``(m, STROKE_DIM)`` float32 (``m`` may be 0)."""
    cols = session.events.get("mousemove", {})
    if "x" not in cols:
        return np.zeros((0, STROKE_DIM), dtype=np.float32)
    clicks = session.events.get("click", {}).get("t", np.zeros(0))
    return stroke_signatures(cols["t"], cols["x"], cols["y"], clicks)
