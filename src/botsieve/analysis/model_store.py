"""Loads the trained model artefact: JSON only, so a swapped file cannot run code."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from botsieve import engine

ARTIFACT = Path(__file__).parent / "artifacts" / "model.json"


def load(path: Path | None = None) -> Any:
    path = path or ARTIFACT
    spec = json.loads(path.read_text()) if path.exists() else {}
    return engine.load_model(spec)


@functools.cache
def shipped_threshold() -> float:
    """The shipped model's calibrated threshold, for callers without the app's model at hand."""
    return float(load().threshold)
