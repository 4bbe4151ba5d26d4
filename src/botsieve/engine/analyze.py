"""The engine's one entry point: ``analyze(session, model)``.

Runs every registered detector, fuses the learned features with the trained model, adds the
hand-set rules' log-odds, applies proof, and words the verdict.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from botsieve.engine import fusion
from botsieve.engine.detectors import REGISTRY, Evidence
from botsieve.engine.detectors.environment import timer_resolution
from botsieve.engine.detectors.mouse import MOTION_FEATURES
from botsieve.engine.model import PRIOR_LOGIT, Model, load_model, sigmoid
from botsieve.engine.summary import quality_flags, risk_level, summarise
from botsieve.engine.types import AnalysisResult, MethodScore, Reason, SessionInput

PROOF_PROBABILITY = 0.995
# A learned feature that adds at least this much log-odds is named among the reasons.
REASON_LOGIT = 0.7
MAX_MODEL_REASONS = 3
_DEFAULT_MODEL = Model({})
CLOCK_REASON = Reason(
    "coarse_clock",
    "The browser blurs its clock, so typing rhythm and pointer timing are not measured.",
)

__all__ = ["Model", "analyze", "extract_features", "load_model"]


def extract_features(session: SessionInput) -> tuple[dict[str, Evidence], dict[str, float]]:
    """Every detector's evidence, and all their features in one flat dict (``nan`` = not
    measured)."""
    evidence = {d.name: d.extract(session) for d in REGISTRY}
    flat: dict[str, float] = {}
    for ev in evidence.values():
        flat.update(ev.features)
    return evidence, flat


# Features read from event timing; below a clock this coarse (ms) they are not measured.
COARSE_CLOCK_MS = 4.0
TIMING_FEATURES = frozenset({*MOTION_FEATURES, "prov_fast_move_share"})


def blur_timing(
    evidence: dict[str, Evidence], flat: dict[str, float], environment: dict[str, Any]
) -> bool:
    """With a coarse clock, timing features and the keyboard's rhythm are not measured (set to
    ``nan`` in ``flat``); returns whether the clock was coarse."""
    step = timer_resolution(environment)
    if step is None or step < COARSE_CLOCK_MS:
        return False
    keys = next(d for d in REGISTRY if d.name == "keystroke").feature_names
    for name in (*TIMING_FEATURES, *keys):
        if name in flat:
            flat[name] = math.nan
    evidence["keystroke"] = Evidence(features=dict.fromkeys(keys, math.nan), observed=False)
    return True


def fused(
    evidence: dict[str, Evidence], contrib: np.ndarray, model: Model
) -> tuple[float, np.ndarray, bool]:
    """(final log-odds, log-odds per line of evidence in ``fusion.LINES``, proof) for one
    session."""
    rules = np.array([[evidence[d.name].rule_logit for d in REGISTRY]])
    per_line = fusion.line_logits(
        contrib[None, :], fusion.feature_lines(model.features), rules, fusion.DETECTOR_NAMES
    )
    proof = any(ev.proof for ev in evidence.values())
    shared = np.array([sum(ev.shared_logit for ev in evidence.values())])
    base = model.base_logit if model.features else PRIOR_LOGIT
    z = fusion.fuse(base, per_line, shared, np.array([proof]), model.threshold)
    return float(z[0]), per_line[0], proof


def analyze(session: SessionInput, model: Model | None = None) -> AnalysisResult:
    started = time.perf_counter()
    model = model or _DEFAULT_MODEL
    evidence, flat = extract_features(session)
    coarse = blur_timing(evidence, flat, session.environment)

    raw = np.array([flat.get(n, math.nan) for n in model.features], dtype=np.float64)
    contrib = model.contributions(raw) if raw.size else np.zeros(0)
    base = model.base_logit if model.features else PRIOR_LOGIT
    by_feature = dict(zip(model.features, contrib, strict=True))
    z, per_line, has_proof = fused(evidence, contrib, model)
    proof = [r for ev in evidence.values() for r in ev.proof]
    probability = sigmoid(z)
    if proof:
        probability = max(probability, PROOF_PROBABILITY)
    lines = int(fusion.lines_of_evidence(per_line[None, :])[0])

    detector_logit = {
        d.name: float(sum(by_feature.get(n, 0.0) for n in d.feature_names)) + ev.rule_logit
        for d in REGISTRY
        for ev in (evidence[d.name],)
    }
    total = sum(abs(v) for v in detector_logit.values()) or 1.0
    scores: dict[str, MethodScore] = {}
    index = {name: j for j, name in enumerate(model.features)}
    for d in REGISTRY:
        ev = evidence[d.name]
        top = sorted(
            (
                (float(by_feature[n]), n)
                for n in d.feature_names
                if by_feature.get(n, 0.0) >= REASON_LOGIT
            ),
            reverse=True,
        )[:MAX_MODEL_REASONS]
        learned_reasons = []
        for _, name in top:
            value = flat.get(name, math.nan)
            if math.isnan(value):
                continue
            high = value > model.center_[index[name]]
            text = d.describe.get(name, ("", ""))[0 if high else 1] or f"{name} is unusual."
            code = f"{name}:{'high' if high else 'low'}"
            learned_reasons.append(Reason(code, text, round(value, 4)))
        said = {r.text for r in learned_reasons}
        reasons = tuple(ev.proof) + tuple(learned_reasons)
        reasons += tuple(r for r in ev.reasons if r.text not in said and r not in ev.proof)
        if d.name == "keystroke" and coarse:
            reasons += (CLOCK_REASON,)
        score = PROOF_PROBABILITY if ev.proof else sigmoid(base + detector_logit[d.name])
        weight = 1.0 if ev.proof else abs(detector_logit[d.name]) / total
        scores[d.name] = MethodScore(round(score, 4), round(weight, 4), reasons)

    is_bot = probability >= model.threshold or has_proof
    missing = fusion.missing_evidence(
        {n: ev.observed for n, ev in evidence.items()}, coarse, fusion.pointer_set(evidence)
    )
    verdict = fusion.verdict(is_bot, has_proof, missing)
    tempo = evidence["tempo"].extra
    return AnalysisResult(
        is_bot=is_bot,
        verdict=verdict,
        missing_evidence=missing if verdict == "insufficient_evidence" else (),
        lines_of_evidence=lines,
        bot_probability=probability,
        confidence_score=abs(probability - model.threshold)
        / max(model.threshold, 1.0 - model.threshold),
        risk_level=risk_level(probability, model.risk_edges),
        method_scores=scores,
        analysis_summary=summarise(
            probability,
            verdict,
            scores,
            {d.name: d.title for d in REGISTRY},
            bool(proof),
            threshold=model.threshold,
            leaning=frozenset(n for n, v in detector_logit.items() if v >= fusion.LINE_LOGIT),
            one_line=lines < fusion.MIN_LINES and probability >= model.threshold / 2,
            pointer_set=fusion.MISSING_MOTION in missing,
        ),
        model_version=model.version,
        event_count=session.event_count,
        processing_time_ms=(time.perf_counter() - started) * 1000,
        quality_flags=quality_flags(
            session, tempo.get("median_page_s", math.nan), tempo.get("page_count", 0.0)
        ),
        features={k: v for k, v in flat.items() if math.isfinite(v)},
    )
