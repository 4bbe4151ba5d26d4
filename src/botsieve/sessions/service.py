"""Creating sessions, taking in events, and what a session's state is."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.auth.schemas import Principal
from botsieve.dashboard.rollups import CounterBuffer
from botsieve.kit.errors import (
    Conflict,
    Forbidden,
    IdempotencyKeyReused,
    NotFound,
    ValidationFailed,
)
from botsieve.kit.metrics import EVENTS_INGESTED, SESSIONS_CREATED
from botsieve.kit.rawdb import RawDatabase
from botsieve.kit.settings import Settings
from botsieve.models import Session
from botsieve.models.base import time_ordered_id, utcnow
from botsieve.privacy.strings import event_strings
from botsieve.sessions import codec
from botsieve.sessions.event_schema import MAX_BACKWARDS_MS
from botsieve.sessions.repository import (
    IdempotentSession,
    SessionRepository,
    SessionWriter,
    insert_session,
    store_batch,
)
from botsieve.sessions.schemas import (
    EventBatchIn,
    EventsAccepted,
    Readiness,
    SessionCreate,
    SessionCreated,
    SessionStatus,
    Verdict,
)
from botsieve.sessions.tokens import session_token, token_matches

POINTER_TYPES = ("mousemove", "touchmove")
# Labelled counters by label value: ``labels()`` costs a lock and a lookup on every call.
_INGESTED: dict[str, Any] = {}
_CREATED: dict[str, Any] = {}


def _counter(cache: dict[str, Any], metric: Any, label: str) -> Any:
    child = cache.get(label)
    if child is None:
        child = cache[label] = metric.labels(label)
    return child


# Environment fields whose combination identifies a device well enough to link sessions.
DEVICE_FIELDS = (
    "userAgent",
    "platform",
    "languages",
    "timezone",
    "screen",
    "devicePixelRatio",
    "hardwareConcurrency",
    "deviceMemory",
    "webgl",
)


def device_signature(environment: dict[str, Any]) -> str | None:
    present = {k: environment[k] for k in DEVICE_FIELDS if k in environment}
    if len(present) < 3:
        return None
    return hashlib.sha256(orjson.dumps(present, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


class _LostIdempotencyRace(Exception):
    """A concurrent request with the same idempotency key committed its session first."""


async def create_session(
    db: RawDatabase,
    settings: Settings,
    counters: CounterBuffer,
    principal: Principal,
    body: SessionCreate,
    ip_hash: str | None,
    idempotency_key: str | None = None,
) -> SessionCreated:
    values = _new_session(settings, principal, body, ip_hash)
    if idempotency_key is None:
        await insert_session(db, values)
    else:
        earlier = await _insert_once(db, principal.key_id, idempotency_key, body, values)
        if earlier is not None:
            return _created(settings, earlier.session_id, earlier.expires_at, earlier.status)
    counters.record(values["created_at"], body.survey_id, body.platform, sessions=1)
    _counter(_CREATED, SESSIONS_CREATED, body.platform).inc()
    return _created(settings, values["id"], values["expires_at"], "active")


async def _insert_once(
    db: RawDatabase, key_id: uuid.UUID, key: str, body: SessionCreate, values: dict[str, Any]
) -> IdempotentSession | None:
    """Insert the session unless this key made one before; that one, if it did."""
    fingerprint = request_fingerprint(body)
    try:
        return await _insert_unless_known(db, key_id, key, fingerprint, values)
    except _LostIdempotencyRace:
        # Ours was rolled back; a second pass finds the winner's session.
        return await _insert_unless_known(db, key_id, key, fingerprint, values)


async def _insert_unless_known(
    db: RawDatabase, key_id: uuid.UUID, key: str, fingerprint: str, values: dict[str, Any]
) -> IdempotentSession | None:
    async with db.transaction() as tx:
        repo = SessionWriter(db, tx)
        earlier = await repo.idempotent_session(key_id, key)
        if earlier is not None:
            if earlier.request_hash not in (None, fingerprint):
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was used with a different request body; "
                    "use a new key for a new session."
                )
            return earlier
        await repo.insert(values)
        if not await repo.remember_idempotent(key_id, key, values["id"], fingerprint):
            raise _LostIdempotencyRace
    return None


def request_fingerprint(body: SessionCreate) -> str:
    """The body as it was understood (defaults filled in, keys sorted), hashed."""
    canonical = orjson.dumps(body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def _new_session(
    settings: Settings, principal: Principal, body: SessionCreate, ip_hash: str | None
) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": time_ordered_id(),
        "created_at": now,
        "updated_at": now,
        "expires_at": now + dt.timedelta(hours=settings.session_ttl_hours),
        "status": "active",
        "platform": body.platform,
        "survey_id": body.survey_id,
        "respondent_id": body.respondent_id,
        "api_key_id": principal.key_id,
        "metadata": body.metadata,
        "environment": body.environment,
        "ip_hash": ip_hash,
        "device_signature": device_signature(body.environment),
        "event_count": 0,
        "is_completed": False,
    }


def _created(
    settings: Settings, session_id: uuid.UUID, expires_at: dt.datetime, status: str
) -> SessionCreated:
    return SessionCreated(
        session_id=session_id,
        token=session_token(settings.secret, session_id),
        expires_at=expires_at,
        status=status,
    )


def check_event_order(events: Sequence[Any]) -> None:
    problems = []
    for i in range(1, len(events)):
        if events[i].t < events[i - 1].t - MAX_BACKWARDS_MS:
            problems.append(
                {
                    "loc": ["events", i, "t"],
                    "message": f"t goes back {events[i - 1].t - events[i].t:.0f} ms from the "
                    f"previous event (at most {MAX_BACKWARDS_MS:.0f} ms allowed)",
                    "type": "out_of_order",
                }
            )
            if len(problems) == 5:
                break
    if problems:
        raise ValidationFailed("Events are out of order.", details=problems)


async def ingest_events(
    db: RawDatabase,
    settings: Settings,
    counters: CounterBuffer,
    principal: Principal,
    session_id: uuid.UUID,
    token: str | None,
    batch: EventBatchIn,
    on_stored: Callable[[str, int], None] | None = None,
) -> EventsAccepted:
    """Store the batch; ``on_stored(platform, event_count)`` is told once it is committed."""
    check_event_order(batch.events)
    rows = codec.encode_batch(batch.events, event_strings(settings.ip_salt).stored)
    token_ok = principal.is_secret or token_matches(settings.secret, session_id, token)
    outcome = await store_batch(
        db,
        session_id,
        batch.batch_id,
        rows,
        owner=None if principal.is_secret else principal.key_id,
        token_ok=token_ok,
    )
    target = outcome.target
    if target is None:
        raise NotFound(f"No session {session_id}.")
    if not token_ok:
        raise Forbidden("Missing or wrong session token (X-Session-Token).")
    if not principal.is_secret and target.api_key_id != principal.key_id:
        raise Forbidden("This key did not create the session.")
    if target.expires_at < outcome.now:
        raise Conflict("The session has expired; start a new one.")
    if not outcome.stored:
        return EventsAccepted(accepted=0, duplicate=True, event_count=outcome.event_count)
    count = len(batch.events)
    counters.record(outcome.now, target.survey_id, target.platform, events=count)
    for row in rows:
        _counter(_INGESTED, EVENTS_INGESTED, row.event_type).inc(row.count)
    if on_stored is not None:
        on_stored(target.platform, outcome.event_count)
    return EventsAccepted(accepted=count, duplicate=False, event_count=outcome.event_count)


async def get_session(db: AsyncSession, session_id: uuid.UUID) -> Session:
    session = await SessionRepository(db).get(session_id)
    if session is None:
        raise NotFound(f"No session {session_id}.")
    return session


def status_of(session: Session) -> SessionStatus:
    expired = session.expires_at < utcnow()
    return SessionStatus(
        session_id=session.id,
        status="expired" if expired and not session.is_completed else session.status,
        platform=session.platform,
        survey_id=session.survey_id,
        respondent_id=session.respondent_id,
        is_completed=session.is_completed,
        created_at=session.created_at,
        updated_at=session.updated_at,
        expires_at=session.expires_at,
        event_count=session.event_count,
        verdict=Verdict(
            is_bot=session.is_bot,
            bot_probability=session.bot_probability,
            risk_level=session.risk_level,
            analyzed_at=session.analyzed_at,
        ),
        label=session.label,
    )


async def readiness(db: AsyncSession, settings: Settings, session_id: uuid.UUID) -> Readiness:
    session = await get_session(db, session_id)
    counts = await SessionRepository(db).counts_by_type(session_id)
    total = sum(counts.values())
    missing = []
    if total < settings.analysis_min_events:
        missing.append(f"at least {settings.analysis_min_events} events (has {total})")
    if not session.environment:
        missing.append("the browser environment record")
    if not any(counts.get(t) for t in POINTER_TYPES):
        missing.append("pointer movement (mousemove or touchmove)")
    return Readiness(
        session_id=session_id,
        ready=not missing,
        event_count=total,
        events_by_type=counts,
        missing=missing,
    )
