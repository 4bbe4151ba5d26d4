"""Detection engine: turns one session's events into a bot probability with reasons.

Pure: numpy and the standard library only, no I/O, nothing from the rest of botsieve.
The service loads the trained model artefact and passes it in.
"""

from botsieve.engine.analyze import analyze, extract_features
from botsieve.engine.detectors import REGISTRY
from botsieve.engine.model import Model, load_model
from botsieve.engine.signature import SIGNATURE_DIM, signature_distance, trajectory_signature
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
    "signature_distance",
    "trajectory_signature",
]


def session_signature(session: SessionInput) -> list[float]:
    """The session's trajectory signature as a JSON-ready list (empty when too short)."""
    cols = session.events.get("mousemove", {})
    if "x" not in cols:
        return []
    return [float(v) for v in trajectory_signature(cols["x"], cols["y"])]
