"""The fixed statements of a platform's live calls (score call, entry check), on the driver.

Two hundred respondents may finish in the same second. Through SQLAlchemy a call cost 3-6
statements of ~50-100 µs of Python each before the database saw them (py-spy on
``python -m bench.integrations_burst``), and in a burst the last reply waits for every call
before it. Here one read, in no transaction, gives all that a call decides on: the stored
verdict of the response, the session, its binding and its latest analysis. A call that
changes nothing (a repeat, a session already bound) stops there: nothing to commit. The few
writes that follow are single-row statements: the binding on its own, the verdict and the
session's completion together (one statement on PostgreSQL; one transaction on SQLite, where
``kit/rawdb.py`` commits the calls of one turn of the event loop together). Everything else
of the domain stays in repository.py, on the ORM.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from botsieve.kit.rawdb import RawDatabase

_FACTS = """
SELECT r.id, r.session_id, r.status, r.score, r.verdict, r.risk, r.flags, r.model_version,
    (SELECT o.decision FROM sessions o WHERE o.id = r.session_id),
    s.id, s.survey_id, s.respondent_id, s.event_count, s.analyzed_at IS NOT NULL,
    s.is_completed, s.review_state, s.decision,
    b.integration_id, b.response_id,
    d.event_count, d.is_bot, d.bot_probability, d.risk_level, d.quality_flags,
    d.model_version, d.verdict, d.missing_evidence{extra}
FROM (SELECT 1 AS here) AS one
LEFT JOIN integration_responses r ON r.integration_id = $1 AND r.response_id = $2
LEFT JOIN sessions s ON s.id = {session}
LEFT JOIN integration_session_bindings b ON b.session_id = s.id
LEFT JOIN detection_results d ON d.id = (
    SELECT x.id FROM detection_results x WHERE x.session_id = s.id ORDER BY x.id DESC LIMIT 1
)
"""
# $3: the session the platform named, or the survey whose respondent $2 is (a reload may have
# made two sessions: the one with the most events, then the newest).
_BY_RESPONDENT = (
    "(SELECT y.id FROM sessions y WHERE y.survey_id = $3 AND y.respondent_id = $2 "
    "ORDER BY y.event_count DESC, y.created_at DESC LIMIT 1)"
)
FACTS_BY_SESSION = _FACTS.format(session="$3", extra="")
FACTS_BY_RESPONDENT = _FACTS.format(session=_BY_RESPONDENT, extra="")
# On PostgreSQL the entry check binds the session in the statement that reads the facts: one
# round trip instead of two. It binds where the call would (live._Call.verdict, when the call
# does not analyse itself): a session of this survey whose respondent is this one or none.
# The read does not see its own statement's binding: the last column says it was made.
_BINDING = """
WITH bound AS (
    INSERT INTO integration_session_bindings
        (session_id, integration_id, response_id, created_at)
    SELECT z.id, $1::uuid, $2::text, ${now}::timestamptz FROM sessions z
    WHERE z.id = {session} AND z.survey_id = ${survey}
        AND (z.respondent_id IS NULL OR z.respondent_id IN ('', $2))
    ON CONFLICT (session_id) DO NOTHING
    RETURNING session_id
)"""
_BOUND = ", (SELECT count(*) FROM bound)"
PG_FACTS_BINDING_BY_SESSION = _BINDING.format(session="$3", survey=4, now=5) + _FACTS.format(
    session="$3", extra=_BOUND
)
PG_FACTS_BINDING_BY_RESPONDENT = _BINDING.format(
    session=_BY_RESPONDENT, survey=3, now=4
) + _FACTS.format(session=_BY_RESPONDENT, extra=_BOUND)
BIND = (
    "INSERT INTO integration_session_bindings (session_id, integration_id, response_id, "
    "created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (session_id) DO NOTHING "
    "RETURNING session_id"
)
OWNER = "SELECT integration_id, response_id FROM integration_session_bindings WHERE session_id = $1"
COMPLETE = (
    "UPDATE sessions SET status = 'completed', is_completed = $2, updated_at = $3 WHERE id = $1"
)
INSERT_RESPONSE = (
    "INSERT INTO integration_responses (integration_id, response_id, session_id, status, score, "
    "verdict, risk, flags, model_version, quality_flags, quality_features, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT (integration_id, response_id) DO NOTHING RETURNING id"
)
STORED_RESPONSE = (
    "SELECT id, session_id, status, score, verdict, risk, flags, model_version, "
    "(SELECT o.decision FROM sessions o WHERE o.id = integration_responses.session_id) "
    "FROM integration_responses WHERE integration_id = $1 AND response_id = $2"
)
UPDATE_RESPONSE = (
    "UPDATE integration_responses SET session_id = $2, status = $3, score = $4, verdict = $5, "
    "risk = $6, flags = $7, model_version = $8, updated_at = $9 WHERE id = $1"
)
# On PostgreSQL the verdict and the session's completion are one statement, atomic on its own:
# one round trip instead of four (BEGIN, the two writes, COMMIT), in the call that ends a
# survey. The session is the last parameter; NULL completes nothing.
_COMPLETING = (
    "WITH done AS (UPDATE sessions SET status = 'completed', is_completed = true, "
    "updated_at = ${stamp} WHERE id = ${session} RETURNING 1) "
)
PG_INSERT_RESPONSE = _COMPLETING.format(stamp=12, session=13) + INSERT_RESPONSE
PG_UPDATE_RESPONSE = _COMPLETING.format(stamp=9, session=10) + UPDATE_RESPONSE


@dataclass(frozen=True, slots=True)
class StoredReply:
    """The response's row in integration_responses, and its session's stored decision."""

    id: int
    response_id: str
    session_id: uuid.UUID | None
    status: str
    score: float | None
    verdict: str
    risk: str
    flags: list[str]
    model_version: str
    session_decision: str | None


@dataclass(frozen=True, slots=True)
class SessionFacts:
    id: uuid.UUID
    survey_id: str
    respondent_id: str | None
    event_count: int
    analysed: bool
    is_completed: bool
    review_state: str | None
    decision: str | None
    owner: tuple[uuid.UUID, str] | None  # the response it is bound to, if any


@dataclass(frozen=True, slots=True)
class LatestAnalysis:
    event_count: int
    is_bot: bool
    bot_probability: float
    risk_level: str
    quality_flags: list[str]
    model_version: str
    verdict: str | None
    missing_evidence: list[str]


@dataclass(frozen=True, slots=True)
class CallFacts:
    stored: StoredReply | None
    session: SessionFacts | None
    latest: LatestAnalysis | None


def _json(value: Any) -> Any:
    # SQLite keeps JSON as text; asyncpg hands jsonb over as text too.
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _uuid(db: RawDatabase, value: Any) -> uuid.UUID | None:
    return None if value is None else db.read_uuid(value)


def _stored(db: RawDatabase, row: Sequence[Any], response_id: str) -> StoredReply:
    """From the columns of STORED_RESPONSE (the first nine of the facts, in that order)."""
    return StoredReply(
        id=int(row[0]),
        response_id=response_id,
        session_id=_uuid(db, row[1]),
        status=row[2],
        score=row[3],
        verdict=row[4],
        risk=row[5],
        flags=list(_json(row[6]) or []),
        model_version=row[7] or "",
        session_decision=row[8],
    )


_FACT_COLUMNS = 27  # the columns of _FACTS before any extra


def _facts(db: RawDatabase, row: Sequence[Any], response_id: str) -> CallFacts:
    stored = None if row[0] is None else _stored(db, row, response_id)
    session = latest = None
    if row[9] is not None:
        owner = None if row[17] is None else (db.read_uuid(row[17]), str(row[18]))
        session = SessionFacts(
            id=db.read_uuid(row[9]),
            survey_id=row[10],
            respondent_id=row[11],
            event_count=int(row[12]),
            analysed=bool(row[13]),
            is_completed=bool(row[14]),
            review_state=row[15],
            decision=row[16],
            owner=owner,
        )
    if row[19] is not None:
        latest = LatestAnalysis(
            event_count=int(row[19]),
            is_bot=bool(row[20]),
            bot_probability=float(row[21]),
            risk_level=row[22],
            quality_flags=list(_json(row[23]) or []),
            model_version=row[24],
            verdict=row[25],
            missing_evidence=list(_json(row[26]) or []),
        )
    return CallFacts(stored, session, latest)


class LiveCallRepository:
    """The statements of one live call: reads and the binding each on their own, the
    verdict's writes inside the transaction ``tx`` the caller opens."""

    def __init__(self, db: RawDatabase, now: dt.datetime) -> None:
        self.db = db
        self.now = now

    async def facts(
        self,
        integration_id: uuid.UUID,
        survey_id: str,
        response_id: str,
        session_id: uuid.UUID | None,
        by_respondent: bool,
        *,
        bind: bool = False,
    ) -> CallFacts:
        """Everything the call decides on, in one statement: of the session ``session_id``,
        or (``by_respondent``) of the respondent's own session in the survey. ``bind``: on
        PostgreSQL, bind the session to the response in the same statement where the call
        would (elsewhere the call binds it itself, :meth:`bind`)."""
        db = self.db
        head = (db.uuid(integration_id), response_id)
        at = survey_id if by_respondent else db.uuid(session_id)
        binding = bind and db.name == "postgresql"
        if binding:
            sql = PG_FACTS_BINDING_BY_RESPONDENT if by_respondent else PG_FACTS_BINDING_BY_SESSION
            extra: tuple[Any, ...] = () if by_respondent else (survey_id,)
            row = await db.fetchrow_alone(sql, *head, at, *extra, db.time(self.now))
        else:
            row = await db.read(
                FACTS_BY_RESPONDENT if by_respondent else FACTS_BY_SESSION, *head, at
            )
        assert row is not None  # the LEFT JOINs hang off one constant row
        facts = _facts(db, row, response_id)
        if binding and row[_FACT_COLUMNS] and facts.session is not None:
            owner = (integration_id, response_id)  # bound by this very statement
            facts = dataclasses.replace(
                facts, session=dataclasses.replace(facts.session, owner=owner)
            )
        return facts

    async def bind(
        self, session_id: uuid.UUID, integration_id: uuid.UUID, response_id: str
    ) -> tuple[uuid.UUID, str]:
        """Bind the session to the response unless a concurrent call bound it first; its
        owner either way. One statement, its own transaction: one round trip on PostgreSQL."""
        db, sid, stamp = self.db, self.db.uuid(session_id), self.db.time(self.now)
        if await db.fetchrow_alone(BIND, sid, db.uuid(integration_id), response_id, stamp):
            return integration_id, response_id
        row = await db.read(OWNER, sid)
        assert row is not None
        return db.read_uuid(row[0]), str(row[1])

    async def complete(self, session_id: uuid.UUID) -> None:
        """Mark the session completed (its verdict unchanged)."""
        await self.db.fetchrow_alone(COMPLETE, *self._completing(session_id))

    async def insert_response(
        self,
        integration_id: uuid.UUID,
        response_id: str,
        values: dict[str, Any],
        session_decision: str | None,
        complete: uuid.UUID | None,
    ) -> StoredReply:
        """Insert unless a concurrent first call did, and complete the session ``complete``
        (if any) with it; the stored row either way."""
        db, stamp = self.db, self.db.time(self.now)
        args = (db.uuid(integration_id), response_id, *self._verdict(values))
        args = (*args, db.json([]), db.json({}), stamp)
        if db.name == "postgresql":
            inserted = await db.fetchrow_alone(PG_INSERT_RESPONSE, *args, db.uuid(complete))
        else:
            async with db.transaction() as tx:
                if complete is not None:
                    await tx.execute(COMPLETE, *self._completing(complete))
                inserted = await tx.fetchrow(INSERT_RESPONSE, *args)
        if inserted is None:
            row = await db.read(STORED_RESPONSE, db.uuid(integration_id), response_id)
            assert row is not None
            return _stored(db, row, response_id)
        return StoredReply(
            id=int(inserted[0]),
            response_id=response_id,
            session_id=values["session_id"],
            status=values["status"],
            score=values["score"],
            verdict=values["verdict"],
            risk=values["risk"],
            flags=values["flags"],
            model_version=values["model_version"],
            session_decision=session_decision,
        )

    async def update_response(
        self, row_id: int, values: dict[str, Any], complete: uuid.UUID | None
    ) -> None:
        """Rewrite the stored verdict, and complete the session ``complete`` (if any) with it."""
        db = self.db
        args = (row_id, *self._verdict(values), db.time(self.now))
        if db.name == "postgresql":
            await db.fetchrow_alone(PG_UPDATE_RESPONSE, *args, db.uuid(complete))
            return
        async with db.transaction() as tx:
            if complete is not None:
                await tx.execute(COMPLETE, *self._completing(complete))
            await tx.execute(UPDATE_RESPONSE, *args)

    def _completing(self, session_id: uuid.UUID) -> tuple[Any, ...]:
        return self.db.uuid(session_id), True, self.db.time(self.now)

    def _verdict(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """The verdict's columns, in the order both INSERT_RESPONSE and UPDATE_RESPONSE take
        them: session_id, status, score, verdict, risk, flags, model_version."""
        db = self.db
        return (
            db.uuid(values["session_id"]),
            values["status"],
            values["score"],
            values["verdict"],
            values["risk"],
            db.json(values["flags"]),
            values["model_version"],
        )
