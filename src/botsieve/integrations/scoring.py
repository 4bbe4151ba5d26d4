"""The verdict for one platform response, shared by Qualtrics and Decipher; and its quality.

Idempotent per (integration, response): the first call stores the verdict and every later call
(a retried Web Service element, a re-run logic node, the completion event) returns that row.
The verdict only ever travels server to server: the respondent's browser sends behaviour,
never results, so a forged hidden field cannot whitewash a bot.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.analysis.schemas import AnalysisOut
from botsieve.analysis.service import announcement, complete_session, latest_result
from botsieve.integrations import quality
from botsieve.integrations.repository import ResponseRepository
from botsieve.integrations.schemas import ScoreReply
from botsieve.kit.state import AppState
from botsieve.models import Integration, ScoredResponse
from botsieve.models.base import utcnow
from botsieve.sessions import codec
from botsieve.sessions.repository import SessionRepository

# status: why there is or is not a verdict. Only "ok" carries a score.
OK = "ok"
NO_SESSION = "no_session"
UNKNOWN_SESSION = "unknown_session"
SESSION_MISMATCH = "session_mismatch"
TOO_FEW_EVENTS = "too_few_events"


async def _verdict(
    db: AsyncSession,
    state: AppState,
    integration: Integration,
    response_id: str,
    session_id: str | None,
) -> tuple[str, uuid.UUID | None, AnalysisOut | None]:
    if not session_id:
        return NO_SESSION, None, None
    try:
        sid = uuid.UUID(session_id)
    except ValueError:
        return UNKNOWN_SESSION, None, None
    session = await SessionRepository(db).get(sid)
    if session is None:
        return UNKNOWN_SESSION, None, None
    # A session vouches for one response of one survey: without this, a bot could quote the
    # session id of some human's clean session.
    if session.survey_id != integration.survey_id or (
        session.respondent_id not in (None, "", response_id)
    ):
        return SESSION_MISMATCH, sid, None
    if session.event_count < state.settings.analysis_min_events:
        return TOO_FEW_EVENTS, sid, None
    fresh = session.analyzed_at is not None and session.analyzed_at >= session.updated_at
    result = await latest_result(db, sid) if fresh else None
    if result is None:
        result = await complete_session(db, state.model, state.counters, sid)
        state.notify("analysis_complete", announcement(result))
    return OK, sid, result


def _flags(result: AnalysisOut | None, extra: list[str]) -> list[str]:
    flags = list(result.quality_flags) if result else []
    return list(dict.fromkeys([*flags, *extra]))


async def score_response(
    db: AsyncSession,
    state: AppState,
    integration: Integration,
    response_id: str,
    session_id: str | None,
    evidence: list[str] | None = None,
) -> tuple[ScoredResponse, bool]:
    """The stored verdict for this response, made now if there is none; and whether it is new."""
    repo = ResponseRepository(db)
    existing = await repo.get(integration.id, response_id)
    if existing is not None:
        return existing, False
    status, sid, result = await _verdict(db, state, integration, response_id, session_id)
    row = await repo.insert_once(
        {
            "integration_id": integration.id,
            "response_id": response_id,
            "session_id": sid,
            "status": status,
            "score": round(result.bot_probability, 4) if result else None,
            "verdict": ("bot" if result.is_bot else "human") if result else "unknown",
            "risk": result.risk_level if result else "unknown",
            "flags": _flags(result, evidence or []),
            "model_version": result.model_version if result else "",
            "quality_flags": [],
            "quality_features": {},
            "created_at": utcnow(),
        }
    )
    return row, True


def reply_of(row: ScoredResponse) -> ScoreReply:
    return ScoreReply(
        status=row.status,
        score="" if row.score is None else f"{row.score:.3f}",
        verdict=row.verdict,
        risk=row.risk,
        flags=";".join(row.flags or []),
        model_version=row.model_version,
        response_id=row.response_id,
    )


MIN_PASTED_LENGTH = 20


async def _pasted(
    db: AsyncSession, session_id: uuid.UUID | None, open_answers: dict[str, str]
) -> set[str]:
    """Open answers whose length matches a paste the collector saw (it never sees the text)."""
    long_answers = {q: len(t) for q, t in open_answers.items() if len(t) >= MIN_PASTED_LENGTH}
    if session_id is None or not long_answers:
        return set()
    decoded = codec.decode_session(await SessionRepository(db).event_rows(session_id))
    lengths = [int(x) for x in decoded.events.get("paste", {}).get("length", [])]
    return {
        q
        for q, n in long_answers.items()
        if any(abs(length - n) <= max(2, n // 10) for length in lengths)
    }


async def assess_quality(
    db: AsyncSession, integration: Integration, row: ScoredResponse, answers: quality.Answers
) -> quality.Quality:
    """Score the answers against earlier respondents of the survey and store the outcome."""
    repo = ResponseRepository(db)
    answers.pasted |= await _pasted(db, row.session_id, answers.open)
    config = quality.QualityConfig.from_config((integration.config or {}).get("quality"))
    peers = await repo.peer_features(integration.id, exclude=row.response_id)
    outcome = quality.assess(answers, peers, config)
    await repo.update(
        row.id,
        quality_score=outcome.score,
        quality_flags=outcome.flags,
        quality_features=outcome.features,
    )
    return outcome


def embedded_data(row: ScoredResponse, outcome: quality.Quality | None) -> dict[str, str]:
    """The fields written back into the platform's data; all strings, as Qualtrics wants."""
    reply = reply_of(row)
    fields: dict[str, Any] = {
        "botsieve_status": reply.status,
        "botsieve_score": reply.score,
        "botsieve_verdict": reply.verdict,
        "botsieve_risk": reply.risk,
        "botsieve_flags": reply.flags,
        "botsieve_model": reply.model_version,
    }
    if outcome is not None:
        fields["botsieve_quality"] = f"{outcome.score:.0f}"
        fields["botsieve_quality_flags"] = ";".join(outcome.flags)
    return {k: str(v) for k, v in fields.items()}


def result_event(
    integration: Integration, row: ScoredResponse, outcome: quality.Quality | None
) -> dict[str, Any]:
    """The ``data`` of our outbound ``result.ready`` webhook."""
    return {
        "integration_id": str(integration.id),
        "platform": integration.platform,
        "survey_id": integration.survey_id,
        "response_id": row.response_id,
        "session_id": str(row.session_id) if row.session_id else None,
        "status": row.status,
        "bot_probability": row.score,
        "verdict": row.verdict,
        "risk": row.risk,
        "flags": list(row.flags or []),
        "model_version": row.model_version,
        "quality": None
        if outcome is None
        else {"score": outcome.score, "flags": outcome.flags, "details": outcome.details},
    }
