"""The score call and the entry check answered on the driver: scoring.py's rules, no ORM.

These are the calls a survey makes while a respondent waits, and 200 respondents may finish
in the same second (``python -m bench.integrations_burst``). One statement reads what the call
decides on (live_repository.py); the rule and the integration come from this process's
memory (``key_cache_seconds``). The decisions are scoring.py's, in the same order:
:func:`scoring.verdict_for` and :func:`scoring.score_response` stay the way of the completion
job, the Decipher back-fill, and of a call that must analyse the session itself
(``integrations_inline_analysis``): where that is needed, these functions answer None before
writing anything and the caller takes that way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid

from botsieve.analysis import background, model_store
from botsieve.decisions import service as decisions
from botsieve.decisions.rule import Rule, decide
from botsieve.integrations import entry, scoring
from botsieve.integrations.live_repository import (
    CallFacts,
    LatestAnalysis,
    LiveCallRepository,
    StoredReply,
)
from botsieve.integrations.schemas import EntryReply, ScoreReply
from botsieve.kit import singleflight
from botsieve.kit.db import transaction
from botsieve.kit.state import AppState
from botsieve.models import Integration
from botsieve.models.base import utcnow


async def _rule(state: AppState, survey_id: str) -> Rule:
    """The survey's rule, read before the driver's transaction (which must not give up the
    event loop on SQLite); from memory but once every ``key_cache_seconds``."""
    threshold, cache = model_store.shipped_threshold(), state.settings.key_cache_seconds

    async def look_up() -> Rule:
        async with transaction(state.sessionmaker) as db:
            return await decisions.current_rule(db, survey_id, threshold, cache_seconds=cache)

    remembered = decisions.remembered_rule(survey_id, threshold, cache)
    return await singleflight.remembered_or_shared(
        state.extras,
        "integrations.rules",
        (survey_id, threshold),
        remembered,
        look_up,
        share=cache > 0,
    )


def _outcome(latest: LatestAnalysis, rule: Rule, review: str | None) -> scoring.Outcome:
    """The stored analysis decided by the rule in force, as analysis.service.to_out does."""
    verdict = latest.verdict or ("bot" if latest.is_bot else "human")
    decision = decide(rule, latest.bot_probability, verdict, review)
    return scoring.Outcome(
        is_bot=decision == "exclude",
        decision=decision,
        verdict=verdict,
        bot_probability=latest.bot_probability,
        risk_level=latest.risk_level,
        quality_flags=latest.quality_flags,
        model_version=latest.model_version,
        missing_evidence=latest.missing_evidence,
    )


def _inline(state: AppState) -> bool:
    return background.of(state) is None or state.settings.integrations_inline_analysis


class _Call:
    """One call: the integration, the response, the session the platform named (if any)."""

    def __init__(
        self, state: AppState, integration: Integration, response_id: str, session_id: str | None
    ) -> None:
        self.state, self.integration, self.response_id = state, integration, response_id
        self.given = bool(session_id)
        self.to_complete: uuid.UUID | None = None  # the end call's session, once judged
        self.judged_on: CallFacts | None = None  # the facts the verdict was made on, last read
        self.session_id: uuid.UUID | None = None
        if session_id:
            with contextlib.suppress(ValueError):  # not an id: session_unknown
                self.session_id = uuid.UUID(session_id)

    async def facts(self, repo: LiveCallRepository, *, bind: bool = False) -> CallFacts:
        row, by_respondent = self.integration, not self.given
        return await repo.facts(
            row.id, row.survey_id, self.response_id, self.session_id, by_respondent, bind=bind
        )

    async def verdict(
        self,
        repo: LiveCallRepository,
        facts: CallFacts,
        rule: Rule,
        finish: bool,
        *,
        wait: bool = True,
    ) -> scoring.Verdict | None:
        """scoring.verdict_for on the facts; None when the session must be analysed now. With
        ``wait``, a session whose analysis is queued is waited for a moment (see
        ``background.BackgroundAnalysis.made_within``), then read again."""
        self.judged_on = facts
        session, latest, row = facts.session, facts.latest, self.integration
        if self.given:
            how = "session_given" if session else "session_unknown"
        else:
            how = "session_by_respondent" if session else "session_missing"
        if session is None:
            return scoring.Verdict(scoring.NO_SESSION, reasons=[how])
        sid = session.id
        if session.survey_id != row.survey_id:
            return scoring.Verdict(
                scoring.SESSION_REUSED, sid, reasons=["session_of_another_survey"]
            )
        if session.respondent_id not in (None, "", self.response_id):
            reasons = ["session_of_another_respondent"]
            return scoring.Verdict(scoring.SESSION_REUSED, sid, reasons=reasons)
        enough = session.event_count >= self.state.settings.analysis_min_events
        covered = _covered(facts)
        if enough and not covered and _inline(self.state):
            return None  # before any write: the caller's way analyses in the call
        owner = session.owner or await repo.bind(sid, row.id, self.response_id)
        if owner != (row.id, self.response_id):
            return scoring.Verdict(
                scoring.SESSION_REUSED, sid, reasons=["session_of_another_response"]
            )
        if not enough:
            return scoring.Verdict(scoring.PROVISIONAL, sid, reasons=[how, "too_few_events"])
        if latest is None or not covered:
            queue = background.of(self.state)
            assert queue is not None  # not _inline
            queue.soon(sid, now=True, finish=finish)
            patience = self.state.settings.integrations_call_wait_seconds
            if wait and await queue.made_within(sid, patience):
                return await self.verdict(repo, await self.facts(repo), rule, finish, wait=False)
            return scoring.Verdict(scoring.PROVISIONAL, sid, reasons=[how, "analysis_pending"])
        if finish and not session.is_completed:
            self.to_complete = sid
        return scoring.judged(sid, _outcome(latest, rule, session.review_state), how)


def _covered(facts: CallFacts) -> bool:
    """Whether the session's latest analysis saw every event it has."""
    session, latest = facts.session, facts.latest
    return (
        session is not None
        and latest is not None
        and session.analysed
        and latest.event_count == session.event_count
    )


async def wait_for_analysis(
    state: AppState, integration: Integration, response_id: str, session_id: str | None
) -> None:
    """Before a call the ORM answers (Decipher's score call, which schedules its back-fill
    there): a session of this survey not analysed yet is queued at once and given the same
    moment as the driver's calls (``BackgroundAnalysis.made_within``), outside any transaction,
    so that the ORM's read finds the analysis made."""
    queue = background.of(state)
    if queue is None or _inline(state):
        return
    call = _Call(state, integration, response_id, session_id)
    facts = await call.facts(LiveCallRepository(state.raw_db, utcnow()))
    session = facts.session
    if (
        session is None
        or session.survey_id != integration.survey_id
        or session.respondent_id not in (None, "", response_id)
        or session.event_count < state.settings.analysis_min_events
        or _covered(facts)
    ):
        return
    queue.soon(session.id, now=True, finish=True)
    await queue.made_within(session.id, state.settings.integrations_call_wait_seconds)


def _reply(row: StoredReply) -> ScoreReply:
    return scoring.reply_of(
        row, scoring.told_decision(row.status, row.session_id, row.session_decision)
    )


async def score(
    state: AppState,
    integration: Integration,
    response_id: str,
    session_id: str | None,
    *,
    writes: bool = True,
) -> tuple[ScoreReply, bool] | None:
    """scoring.score_response's reply, and whether the stored verdict is new or changed; None
    when the ORM way must answer (an analysis in the call; ``writes`` False: anything but a
    final stored verdict)."""
    call = _Call(state, integration, response_id, session_id)
    rule = await _rule(state, integration.survey_id)
    repo = LiveCallRepository(state.raw_db, utcnow())
    facts = await call.facts(repo)
    stored = facts.stored
    if stored is not None and stored.status in scoring.FINAL:
        return _reply(stored), False  # a repeat: nothing written, nothing to commit
    if not writes:
        return None
    verdict = await call.verdict(repo, facts, rule, finish=True)
    if verdict is None:
        return None
    values = scoring.values_of(verdict, [])
    # Read again if the call waited for the analysis: the session's decision is the analysis'.
    facts = call.judged_on or facts
    decision = facts.session.decision if facts.session else None
    unchanged = stored is not None and all(getattr(stored, k) == v for k, v in values.items())
    if unchanged and call.to_complete is None:
        assert stored is not None
        return _reply(stored), False
    complete = call.to_complete
    if stored is None:
        row = await repo.insert_response(integration.id, response_id, values, decision, complete)
        return _reply(row), True
    if unchanged:  # only the session's completion is left to write
        assert complete is not None
        await repo.complete(complete)
        return _reply(stored), False
    await repo.update_response(stored.id, values, complete)
    return _reply(dataclasses.replace(stored, **values, session_decision=decision)), True


async def entry_check(
    state: AppState, integration: Integration, response_id: str, session_id: str | None
) -> EntryReply | None:
    """entry.entry_check's reply; None when the ORM way must answer (an analysis in the call)."""
    call = _Call(state, integration, response_id, session_id)
    rule = await _rule(state, integration.survey_id)
    repo = LiveCallRepository(state.raw_db, utcnow())
    # The read binds the session too where it can (a respondent's first call, usually this one).
    facts = await call.facts(repo, bind=not _inline(state))
    verdict = await call.verdict(repo, facts, rule, finish=False)
    return None if verdict is None else entry.reply_of(verdict, integration, response_id)
