"""The detector registry: one module per signal family, in the order results are shown."""

from botsieve.engine.detectors.base import Detector, Evidence
from botsieve.engine.detectors.cross_session import CrossSessionDetector
from botsieve.engine.detectors.environment import EnvironmentDetector
from botsieve.engine.detectors.keystroke import KeystrokeDetector
from botsieve.engine.detectors.mouse import MouseDetector
from botsieve.engine.detectors.placement import PlacementDetector
from botsieve.engine.detectors.provenance import ProvenanceDetector
from botsieve.engine.detectors.tempo import TempoDetector

REGISTRY: tuple[Detector, ...] = (
    EnvironmentDetector(),
    ProvenanceDetector(),
    PlacementDetector(),
    MouseDetector(),
    KeystrokeDetector(),
    TempoDetector(),
    CrossSessionDetector(),
)


def learned_feature_names() -> tuple[str, ...]:
    """Every feature the fusion model may learn from, in registry order."""
    return tuple(name for d in REGISTRY if d.learned for name in d.feature_names)


def feature_sides() -> dict[str, int]:
    """Which side of people's range is suspicious, per learned feature (0: both)."""
    sides: dict[str, int] = {}
    for d in REGISTRY:
        for name in d.feature_names:
            sides[name] = int(d.sides.get(name, 0))
    return sides


__all__ = ["REGISTRY", "Detector", "Evidence", "feature_sides", "learned_feature_names"]
