"""Across sessions of one survey: farms and replays.

The replay distance is how close this session's pointer path is to another session's, once
jitter, time warping and shifting are taken out (``signature``). Two people never trace the
same minute-long path to within a few pixels, so a near-identical path is near-proof of a
replay; it is a hand-set rule rather than learned, so that it holds for farms no training set
has shown. The device-signature and IP-hash counts are weak hand-set rules, because shared
devices and addresses also come from labs, libraries and households.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from botsieve.engine.arrays import column
from botsieve.engine.detectors.base import Evidence
from botsieve.engine.signature import signature_distance, trajectory_signature
from botsieve.engine.strokes import reused_strokes, stroke_signatures
from botsieve.engine.types import Reason, SessionInput

REPLAY_PX = 12.0  # at or below, over a path of at least MIN_SPREAD_PX: proof of a replay
MIN_SPREAD_PX = 100.0
SIMILAR_PX = 25.0  # between the two: a graded rule
REPLAY_LOGIT = 8.0
# Strokes of this session found in others (a stroke library): at least this many, and this
# share of its strokes, add ``REUSE_LOGIT``; twice both are proof.
REUSED_STROKES = 3
REUSED_SHARE = 0.2
REUSE_LOGIT = 4.0


class CrossSessionDetector:
    name = "cross_session"
    title = "Across sessions"
    learned = False
    feature_names = ("cross_replay_log_distance",)
    sides: Mapping[str, int] = MappingProxyType({})

    describe: Mapping[str, tuple[str, str]] = MappingProxyType({})

    def _reuse(self, session: SessionInput, reasons: list[Reason], proof: list[Reason]) -> float:
        others = np.asarray(session.context.stroke_signatures, dtype=np.float32)
        if others.ndim != 2 or others.shape[0] == 0:
            return 0.0
        own = stroke_signatures(
            column(session, "mousemove", "t"),
            column(session, "mousemove", "x"),
            column(session, "mousemove", "y"),
            column(session, "click", "t"),
        )
        reused = reused_strokes(own, others)
        share = reused / own.shape[0] if own.shape[0] else 0.0
        if reused >= 2 * REUSED_STROKES and share >= 2 * REUSED_SHARE:
            proof.append(
                Reason(
                    "reused_strokes",
                    "Many mouse strokes are copies of strokes in other sessions "
                    "(a farm's stroke library).",
                    reused,
                )
            )
            return 0.0
        if reused >= REUSED_STROKES and share >= REUSED_SHARE:
            reasons.append(
                Reason(
                    "reused_strokes",
                    "Several mouse strokes are copies of strokes in other sessions.",
                    reused,
                )
            )
            return REUSE_LOGIT
        return 0.0

    def extract(self, session: SessionInput) -> Evidence:
        ctx = session.context
        reasons: list[Reason] = []
        rule = 0.0
        distance = math.inf
        spread = 0.0
        proof: list[Reason] = []
        others = np.asarray(ctx.trajectory_signatures, dtype=np.float64)
        if others.ndim == 2 and others.shape[0] > 0:
            own = trajectory_signature(
                column(session, "mousemove", "x"), column(session, "mousemove", "y")
            )
            if own.size:
                distance = float(signature_distance(own, others).min())
                spread = float(np.sqrt((own**2).sum() / (own.size / 2)))
        feature = math.log1p(distance) if math.isfinite(distance) else float("nan")
        if distance <= REPLAY_PX and spread >= MIN_SPREAD_PX:
            proof.append(
                Reason(
                    "replayed_path",
                    "The mouse path repeats another session's to within pixels (a replay farm).",
                    round(distance, 2),
                )
            )
        elif distance <= REPLAY_PX:
            rule += REPLAY_LOGIT
        elif distance <= SIMILAR_PX:
            rule += 3.0 * (SIMILAR_PX - distance) / (SIMILAR_PX - REPLAY_PX)
            reasons.append(
                Reason(
                    "similar_path",
                    "The mouse path closely follows another session's.",
                    round(distance, 2),
                )
            )
        if distance <= REPLAY_PX and not proof:
            reasons.append(
                Reason(
                    "replayed_path",
                    "The mouse path nearly repeats another session's (a replay farm).",
                    round(distance, 2),
                )
            )
        shared = 0.0
        rule += self._reuse(session, reasons, proof)
        if ctx.same_device_sessions >= 3:
            shared += min(2.0, 0.5 * math.log2(ctx.same_device_sessions))
            reasons.append(
                Reason(
                    "same_device",
                    "The same device signature answered this survey several times "
                    "(counted only beside behavioural evidence: labs and households share "
                    "devices).",
                    ctx.same_device_sessions,
                )
            )
        if ctx.same_ip_sessions >= 5:
            shared += min(1.0, 0.25 * math.log2(ctx.same_ip_sessions))
            reasons.append(
                Reason(
                    "same_ip",
                    "Many sessions of this survey came from one address (counted only beside "
                    "behavioural evidence).",
                    ctx.same_ip_sessions,
                )
            )
        return Evidence(
            features={"cross_replay_log_distance": feature},
            reasons=tuple(proof) + tuple(reasons),
            proof=tuple(proof),
            rule_logit=rule,
            shared_logit=shared,
            observed=math.isfinite(distance),
        )
