"""Runs the engine on a stored session: load, decode, analyse, store the result."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve import engine
from botsieve.analysis import model_store
from botsieve.analysis.repository import AnalysisRepository
from botsieve.analysis.schemas import AnalysisOut
from botsieve.dashboard.rollups import CounterBuffer, verdict_increments
from botsieve.decisions import service as decisions
from botsieve.decisions.rule import Rule, decide, engine_verdict
from botsieve.kit.metrics import ANALYSES, ANALYSIS_LATENCY
from botsieve.models import DetectionResult, Session
from botsieve.models.base import utcnow
from botsieve.sessions import codec
from botsieve.sessions.repository import SessionRepository
from botsieve.sessions.service import get_session

# How many of the survey's latest sessions a path and its strokes are compared with, to find
# replays and reused stroke libraries.
REPLAY_LOOKBACK = 1000


def _signature_bytes(session: engine.SessionInput) -> bytes | None:
    signature = engine.session_signature(session)
    return np.asarray(signature, dtype=np.float32).tobytes() if signature else None


def _stroke_bytes(session: engine.SessionInput) -> bytes | None:
    rows = engine.session_strokes(session)
    return rows.astype(np.float16).tobytes() if rows.size else None


def _strokes(blobs: list[bytes]) -> np.ndarray:
    row_bytes = engine.STROKE_DIM * 2
    usable = [b for b in blobs if b and len(b) % row_bytes == 0]
    if not usable:
        return np.zeros((0, engine.STROKE_DIM), dtype=np.float32)
    joined = np.frombuffer(b"".join(usable), dtype=np.float16)
    return joined.reshape(-1, engine.STROKE_DIM).astype(np.float32)


def _signatures(blobs: list[bytes]) -> np.ndarray:
    usable = [b for b in blobs if len(b) == engine.SIGNATURE_DIM * 4]
    if not usable:
        return np.zeros((0, engine.SIGNATURE_DIM))
    return (
        np.frombuffer(b"".join(usable), dtype=np.float32)
        .reshape(len(usable), -1)
        .astype(np.float64)
    )


async def _engine_input(db: AsyncSession, session: Session) -> engine.SessionInput:
    rows = await SessionRepository(db).event_rows(session.id)
    decoded = codec.decode_session(rows)
    repo = AnalysisRepository(db)
    same_device, same_ip = await repo.sessions_sharing(session)
    recent = await repo.recent_signatures(session, REPLAY_LOOKBACK)
    paths = [p for p, _ in recent if p is not None]
    strokes = [s for _, s in recent if s is not None]
    return engine.SessionInput(
        events=decoded.events,
        environment=session.environment or {},
        labels=decoded.labels,
        context=engine.CrossSessionContext(
            same_device_sessions=same_device,
            same_ip_sessions=same_ip,
            trajectory_signatures=_signatures(paths),
            stroke_signatures=_strokes(strokes),
        ),
    )


def to_out(
    session_id: uuid.UUID, row: DetectionResult, rule: Rule, review: str | None = None
) -> AnalysisOut:
    """The stored result as the API says it: decided by the survey's rule in force now (and
    the researcher's review, when there is one)."""
    verdict = row.verdict or ("bot" if row.is_bot else "human")
    decision = decide(rule, row.bot_probability, verdict, review)
    return AnalysisOut.model_validate(
        {
            "session_id": session_id,
            "is_bot": decision == "exclude",
            "decision": decision,
            "verdict": verdict,
            "missing_evidence": row.missing_evidence or [],
            "lines_of_evidence": row.lines_of_evidence or 0,
            "bot_probability": row.bot_probability,
            "confidence_score": row.confidence_score,
            "risk_level": row.risk_level,
            "method_scores": row.method_scores,
            "analysis_summary": row.analysis_summary,
            "quality_flags": row.quality_flags or [],
            "model_version": row.model_version,
            "event_count": row.event_count,
            "processing_time_ms": row.processing_time_ms,
            "created_at": row.created_at,
        }
    )


# How the engine is run on a session's input: in this process by default; the background
# analyses hand it to a worker process (worker.py).
EngineRun = Callable[[engine.SessionInput, Any], Awaitable[engine.AnalysisResult]]


async def analyze_session(
    db: AsyncSession,
    model: Any,
    counters: CounterBuffer,
    session_id: uuid.UUID,
    *,
    run_engine: EngineRun | None = None,
) -> AnalysisOut:
    started = time.perf_counter()
    session = await get_session(db, session_id)
    engine_input = await _engine_input(db, session)
    if run_engine is None:
        result = engine.analyze(engine_input, model)
    else:
        result = await run_engine(engine_input, model)
    payload: dict[str, Any] = result.to_dict()
    rule = await decisions.current_rule(db, session.survey_id, model.threshold)
    verdict = engine_verdict(result)
    decision = decide(rule, result.bot_probability, verdict, session.review_state)
    row = DetectionResult(
        session_id=session.id,
        is_bot=result.is_bot,
        bot_probability=result.bot_probability,
        confidence_score=result.confidence_score,
        risk_level=result.risk_level,
        processing_time_ms=result.processing_time_ms,
        event_count=result.event_count,
        analysis_summary=result.analysis_summary,
        method_scores=payload["method_scores"],
        quality_flags=list(result.quality_flags),
        features={k: float(v) for k, v in result.features.items()},
        model_version=result.model_version,
        verdict=verdict,
        missing_evidence=list(result.missing_evidence),
        lines_of_evidence=result.lines_of_evidence,
        created_at=utcnow(),
    )
    repo = AnalysisRepository(db)
    before = (
        (bool(session.is_bot), session.risk_level)
        if session.is_bot is not None and session.risk_level
        else None
    )
    await repo.add(row)
    await repo.set_verdict(
        session, row, decision, _signature_bytes(engine_input), _stroke_bytes(engine_input)
    )
    changes = verdict_increments(before, (decision == "exclude", row.risk_level))
    if changes:
        counters.record(session.created_at, session.survey_id, session.platform, **changes)
    ANALYSES.labels("bot" if decision == "exclude" else "human").inc()
    ANALYSIS_LATENCY.observe(time.perf_counter() - started)
    return to_out(session.id, row, rule, session.review_state)


async def complete_session(
    db: AsyncSession,
    model: Any,
    counters: CounterBuffer,
    session_id: uuid.UUID,
    *,
    run_engine: EngineRun | None = None,
) -> AnalysisOut:
    await get_session(db, session_id)
    if run_engine is not None:
        # The engine runs elsewhere while this process serves others: nothing is written (on
        # SQLite, no write lock is held) until it has answered.
        result = await analyze_session(db, model, counters, session_id, run_engine=run_engine)
        await SessionRepository(db).complete(session_id)
        return result
    await SessionRepository(db).complete(session_id)
    return await analyze_session(db, model, counters, session_id)


def announcement(result: AnalysisOut) -> dict[str, Any]:
    """What live listeners are told of a finished analysis."""
    return {
        "session_id": str(result.session_id),
        "is_bot": result.is_bot,
        "decision": result.decision,
        "verdict": result.verdict,
        "bot_probability": result.bot_probability,
        "risk_level": result.risk_level,
        "model_version": result.model_version,
        "analysis_summary": result.analysis_summary,
    }


async def _rule_of(db: AsyncSession, session: Session, model_threshold: float | None) -> Rule:
    threshold = model_store.shipped_threshold() if model_threshold is None else model_threshold
    return await decisions.current_rule(db, session.survey_id, threshold)


async def latest_result(
    db: AsyncSession, session_id: uuid.UUID, model_threshold: float | None = None
) -> AnalysisOut | None:
    row = await AnalysisRepository(db).latest(session_id)
    if row is None:
        return None
    session = await get_session(db, session_id)
    rule = await _rule_of(db, session, model_threshold)
    return to_out(session_id, row, rule, session.review_state)


async def covering_result(
    db: AsyncSession, session: Session, *, rule_cache_seconds: float = 0.0
) -> AnalysisOut | None:
    """The latest result when it saw every event the session has; None when the session was
    never analysed or events came since. One indexed lookup, and the rule (remembered for
    ``rule_cache_seconds``): what a survey platform's call costs when it only reads."""
    if session.analyzed_at is None:
        return None
    row = await AnalysisRepository(db).latest(session.id)
    if row is None or row.event_count != session.event_count:
        return None
    rule = await decisions.current_rule(
        db, session.survey_id, model_store.shipped_threshold(), cache_seconds=rule_cache_seconds
    )
    return to_out(session.id, row, rule, session.review_state)


async def result_history(
    db: AsyncSession, session_id: uuid.UUID, model_threshold: float
) -> list[AnalysisOut]:
    session = await get_session(db, session_id)
    rule = await _rule_of(db, session, model_threshold)
    rows = await AnalysisRepository(db).history(session_id)
    return [to_out(session_id, r, rule, session.review_state) for r in rows]
