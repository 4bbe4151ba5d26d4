"""The verdict for one platform response, shared by Qualtrics and Decipher; and its quality.

One row per (integration, response). A final verdict (``ok``, ``session_reused``) is returned
as stored by every later call (a retried Web Service element, a re-run logic node, the
completion event). "No verdict yet" (``provisional``, ``no_session``, ``insufficient_evidence``)
is not final: the next call scores again and overwrites it, and the completion job writes the
new one back. Nothing calls itself, so this converges without a loop.

A session vouches for one response: the first (survey, response) that presents it is bound to
it, and any other response presenting it gets ``session_reused``. Where the platform cannot
carry our session id (Decipher), the session is found by (survey, respondent id), the
respondent id being the platform's own (``uuid``, ``ResponseID``) that the collector was given.

The verdict only ever travels server to server: the respondent's browser sends behaviour,
never results, so a forged hidden field cannot whitewash a bot.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.analysis import background
from botsieve.analysis.schemas import AnalysisOut
from botsieve.analysis.service import (
    analyze_session,
    announcement,
    complete_session,
    covering_result,
)
from botsieve.integrations import quality
from botsieve.integrations.live_repository import StoredReply
from botsieve.integrations.repository import BindingRepository, ResponseRepository
from botsieve.integrations.schemas import ScoreReply
from botsieve.kit.state import AppState
from botsieve.models import Integration, ScoredResponse, Session
from botsieve.models.base import utcnow
from botsieve.sessions import codec
from botsieve.sessions.repository import SessionRepository

# status: whether there is a verdict, and if not, why. Only "ok" carries a score.
OK = "ok"
PROVISIONAL = "provisional"  # a session, not enough of it yet: ask again later
INSUFFICIENT_EVIDENCE = "insufficient_evidence"  # scored, and the engine would not decide
NO_SESSION = "no_session"
SESSION_REUSED = "session_reused"  # the session is another response's (or survey's)
STATUSES = (OK, PROVISIONAL, INSUFFICIENT_EVIDENCE, NO_SESSION, SESSION_REUSED)
FINAL = frozenset((OK, SESSION_REUSED))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a reply tells of a stored analysis, decided by the survey's rule in force."""

    is_bot: bool
    decision: str
    verdict: str
    bot_probability: float
    risk_level: str
    quality_flags: list[str]
    model_version: str
    missing_evidence: list[str]

    @classmethod
    def of(cls, result: AnalysisOut) -> Outcome:
        return cls(
            is_bot=result.is_bot,
            decision=result.decision,
            verdict=result.verdict,
            bot_probability=result.bot_probability,
            risk_level=result.risk_level,
            quality_flags=list(result.quality_flags),
            model_version=result.model_version,
            missing_evidence=list(result.missing_evidence),
        )


@dataclass
class Verdict:
    status: str
    session_id: uuid.UUID | None = None
    result: Outcome | None = None
    reasons: list[str] = field(default_factory=list)


async def _find_session(
    db: AsyncSession, integration: Integration, response_id: str, session_id: str | None
) -> tuple[Session | None, str]:
    """The session named by the platform, or else the one the collector made for this
    respondent; with a reason code saying which (or why none)."""
    if session_id:
        try:
            sid = uuid.UUID(session_id)
        except ValueError:
            return None, "session_unknown"
        session = await SessionRepository(db).get(sid)
        return session, "session_given" if session else "session_unknown"
    session = await BindingRepository(db).latest_for_respondent(integration.survey_id, response_id)
    return session, "session_by_respondent" if session else "session_missing"


async def _analysed(
    db: AsyncSession, state: AppState, session: Session, finish: bool, inline: bool
) -> AnalysisOut | None:
    """The stored analysis when it saw every event the session has; else None, and the
    session is queued to be analysed at once (``finish`` completes it too, so the end call
    always closes it). The call only reads: in a burst of respondents finishing together
    nobody waits for the others' analyses. With ``integrations_inline_analysis`` (or no
    background queue) the call analyses itself instead; ``inline`` is the completion job's
    way, which converges what a call left provisional."""
    queue = background.of(state)
    if queue is None or state.settings.integrations_inline_analysis:
        inline = True
    cache = state.settings.key_cache_seconds
    result = await covering_result(db, session, rule_cache_seconds=cache)
    if result is not None:
        if finish and not session.is_completed:
            await _complete(db, queue, session.id, inline)
        return result
    if not inline and queue is not None:
        queue.soon(session.id, now=True, finish=finish)
        return None
    return await analyse_now(db, state, session.id, finish)


async def _complete(
    db: AsyncSession, queue: background.BackgroundAnalysis | None, sid: uuid.UUID, inline: bool
) -> None:
    """Close the session: now, or (a live call, which only reads) from the queue."""
    if inline or queue is None:
        await SessionRepository(db).complete(sid)
    else:
        queue.soon(sid, now=True, finish=True)


async def analyse_now(
    db: AsyncSession, state: AppState, session_id: uuid.UUID, finish: bool
) -> AnalysisOut:
    run = complete_session if finish else analyze_session
    result = await run(db, state.model, state.counters, session_id)
    state.notify("analysis_complete", announcement(result))
    return result


def decision_of(result: AnalysisOut | Outcome) -> str:
    """bot, human or insufficient_evidence, as the survey's decision rule has it: ``is_bot``
    is the rule's exclusion (the threshold the researcher saved, not the model's own), and
    the engine's abstention stays its own answer."""
    if getattr(result, "verdict", None) == "insufficient_evidence":
        return "insufficient_evidence"
    return "bot" if result.is_bot else "human"


async def verdict_for(
    db: AsyncSession,
    state: AppState,
    integration: Integration,
    response_id: str,
    session_id: str | None,
    *,
    finish: bool = True,
    inline: bool = False,
) -> Verdict:
    """The verdict for the response; ``finish`` completes the session (the end of the survey),
    otherwise the session is analysed as far as it goes (the entry check). ``inline`` analyses
    now when no stored analysis covers the session (the completion job); otherwise that is
    ``provisional`` and the analysis is queued."""
    session, how = await _find_session(db, integration, response_id, session_id)
    if session is None:
        return Verdict(NO_SESSION, reasons=[how])
    sid = session.id
    # Without this, one clean session id pasted into every bot response would pass them all.
    if session.survey_id != integration.survey_id:
        return Verdict(SESSION_REUSED, sid, reasons=["session_of_another_survey"])
    if session.respondent_id not in (None, "", response_id):
        return Verdict(SESSION_REUSED, sid, reasons=["session_of_another_respondent"])
    owner = await BindingRepository(db).bind(sid, integration.id, response_id)
    if owner != (integration.id, response_id):
        return Verdict(SESSION_REUSED, sid, reasons=["session_of_another_response"])
    if session.event_count < state.settings.analysis_min_events:
        return Verdict(PROVISIONAL, sid, reasons=[how, "too_few_events"])
    result = await _analysed(db, state, session, finish, inline)
    if result is None:
        return Verdict(PROVISIONAL, sid, reasons=[how, "analysis_pending"])
    return judged(sid, Outcome.of(result), how)


def judged(sid: uuid.UUID, outcome: Outcome, how: str) -> Verdict:
    """The verdict of a session whose stored analysis covers it."""
    if decision_of(outcome) == "insufficient_evidence":
        missing = [f"missing: {m}" for m in outcome.missing_evidence]
        return Verdict(INSUFFICIENT_EVIDENCE, sid, outcome, [how, *missing])
    return Verdict(OK, sid, outcome, [how])


def _flags(verdict: Verdict, extra: list[str]) -> list[str]:
    flags = list(verdict.result.quality_flags) if verdict.result and verdict.status == OK else []
    reasons = [r.replace(";", ",")[:120] for r in verdict.reasons]
    return list(dict.fromkeys([*flags, *reasons, *extra]))


def values_of(verdict: Verdict, evidence: list[str]) -> dict[str, Any]:
    scored = verdict.result if verdict.status == OK else None
    return {
        "session_id": verdict.session_id,
        "status": verdict.status,
        "score": round(scored.bot_probability, 4) if scored else None,
        "verdict": decision_of(scored) if scored else "unknown",
        "risk": scored.risk_level if scored else "unknown",
        "flags": _flags(verdict, evidence),
        "model_version": verdict.result.model_version if verdict.result else "",
    }


async def score_response(
    db: AsyncSession,
    state: AppState,
    integration: Integration,
    response_id: str,
    session_id: str | None,
    evidence: list[str] | None = None,
    *,
    inline: bool = False,
) -> tuple[ScoredResponse, bool]:
    """The verdict for this response, and whether it is new or changed by this call.

    A final verdict is returned as stored; anything else is scored again and overwritten.
    """
    repo = ResponseRepository(db)
    existing = await repo.get(integration.id, response_id)
    if existing is not None and existing.status in FINAL:
        return existing, False
    values = values_of(
        await verdict_for(db, state, integration, response_id, session_id, inline=inline),
        evidence or [],
    )
    if existing is None:
        row = await repo.insert_once(
            {
                "integration_id": integration.id,
                "response_id": response_id,
                **values,
                "quality_flags": [],
                "quality_features": {},
                "created_at": utcnow(),
            }
        )
        return row, True
    if all(getattr(existing, k) == v for k, v in values.items()):
        return existing, False
    await repo.update(existing.id, **values, updated_at=utcnow())
    await db.refresh(existing)
    return existing, True


def needs_write_back(row: ScoredResponse) -> bool:
    """Never written, or rescored since it was."""
    if row.written_back_at is None:
        return True
    return row.updated_at is not None and row.updated_at > row.written_back_at


# The verdict a decision is told as (bot/human), for platforms that branch on the old field.
VERDICT_OF_DECISION = {"exclude": "bot", "review": "human", "keep": "human"}


async def decision_for(db: AsyncSession, row: ScoredResponse) -> str:
    """exclude, review, keep, insufficient_evidence or unknown: read when the reply is made,
    from the session's stored decision, which saving the survey's rule (or a review) rewrites
    in place; so a changed rule relabels every reply and write-back without re-analysis."""
    if row.status != OK or row.session_id is None:
        return told_decision(row.status, row.session_id, None)
    session = await db.get(Session, row.session_id)
    return told_decision(row.status, row.session_id, session.decision if session else None)


def told_decision(status: str, session_id: uuid.UUID | None, stored: str | None) -> str:
    """What :func:`decision_for` tells, from the session's ``stored`` decision."""
    if status == INSUFFICIENT_EVIDENCE:
        return INSUFFICIENT_EVIDENCE
    if status != OK or session_id is None:
        return "unknown"
    return stored or "unknown"


def verdict_told(row: ScoredResponse | StoredReply, decision: str | None) -> str:
    """The stored verdict, unless the current decision says otherwise."""
    return VERDICT_OF_DECISION.get(decision or "", row.verdict)


def reply_of(row: ScoredResponse | StoredReply, decision: str | None = None) -> ScoreReply:
    """``decision`` from :func:`decision_for`; None keeps the verdict stored at scoring."""
    return ScoreReply(
        status=row.status,
        score="" if row.score is None else f"{row.score:.3f}",
        verdict=verdict_told(row, decision),
        decision=decision or "unknown",
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


def embedded_data(
    row: ScoredResponse, outcome: quality.Quality | None, decision: str | None = None
) -> dict[str, str]:
    """The fields written back into the platform's data; all strings, as Qualtrics wants."""
    reply = reply_of(row, decision)
    fields: dict[str, Any] = {
        "botsieve_status": reply.status,
        "botsieve_score": reply.score,
        "botsieve_verdict": reply.verdict,
        "botsieve_decision": reply.decision,
        "botsieve_risk": reply.risk,
        "botsieve_flags": reply.flags,
        "botsieve_model": reply.model_version,
    }
    if outcome is not None:
        fields["botsieve_quality"] = f"{outcome.score:.0f}"
        fields["botsieve_quality_flags"] = ";".join(outcome.flags)
    return {k: str(v) for k, v in fields.items()}


def result_event(
    integration: Integration,
    row: ScoredResponse,
    outcome: quality.Quality | None,
    decision: str | None = None,
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
        "verdict": verdict_told(row, decision),
        "decision": decision or "unknown",
        "risk": row.risk,
        "flags": list(row.flags or []),
        "model_version": row.model_version,
        "quality": None
        if outcome is None
        else {"score": outcome.score, "flags": outcome.flags, "details": outcome.details},
    }
