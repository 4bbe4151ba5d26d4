"""/api/v1/detection/sessions: create sessions, take in events, read a session's state."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from pydantic import TypeAdapter, ValidationError

from botsieve.auth.deps import BearerCredentials, SecretKey, authenticate
from botsieve.kit.body import parse_json_object, read_body
from botsieve.kit.clientip import client_ip, hash_ip
from botsieve.kit.deps import ConnDep, DbDep, StateDep
from botsieve.kit.errors import ValidationFailed, problems_from_pydantic
from botsieve.kit.text import StorableText
from botsieve.sessions import service
from botsieve.sessions.schemas import (
    DeletedCount,
    EventBatchIn,
    EventsAccepted,
    Readiness,
    SessionCreate,
    SessionCreated,
    SessionStatus,
)

router = APIRouter(prefix="/detection", tags=["detection"])
_batch = TypeAdapter(EventBatchIn)
_ENVELOPE_FIELDS = ("batch_id", "key", "token")

EVENTS_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A batch of events (or one event with a batch_id). See docs/events.md.",
        "content": {
            media: {"schema": {"$ref": "#/components/schemas/EventBatchIn"}}
            for media in ("application/json", "text/plain")
        },
    }
}


@router.post("/sessions", status_code=201, response_model=SessionCreated)
async def create_session(
    body: SessionCreate,
    request: Request,
    state: StateDep,
    conn: ConnDep,
    credentials: BearerCredentials,
    idempotency_key: Annotated[StorableText | None, Header(max_length=128)] = None,
) -> SessionCreated:
    """Start a session. The reply's token lets the browser write this session's events."""
    principal = await authenticate(
        request, state, conn, credentials.credentials if credentials else None
    )
    settings = state.settings
    ip_hash = hash_ip(client_ip(request, settings.trusted_proxies), settings.ip_salt)
    created = await service.create_session(
        conn, settings, state.counters, principal, body, ip_hash, idempotency_key
    )
    state.notify(
        "session_updated",
        {
            "session_id": str(created.session_id),
            "survey_id": body.survey_id,
            "platform": body.platform,
            "status": created.status,
            "event_count": 0,
        },
    )
    return created


def _batch_from(doc: dict[str, Any]) -> EventBatchIn:
    if "type" in doc and "events" not in doc:
        envelope = {k: doc[k] for k in _ENVELOPE_FIELDS if k in doc}
        event = {k: v for k, v in doc.items() if k not in _ENVELOPE_FIELDS}
        doc = {**envelope, "events": [event]}
    try:
        return _batch.validate_python(doc)
    except ValidationError as exc:
        problems = problems_from_pydantic(list(exc.errors()))
        first = problems[0] if problems else {"loc": [], "message": "invalid"}
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ValidationFailed(
            f"Invalid events ({exc.error_count()} problems); first: {where}: {first['message']}",
            details=problems,
        ) from None


@router.post(
    "/sessions/{session_id}/events",
    status_code=202,
    response_model=EventsAccepted,
    openapi_extra=EVENTS_BODY_DOC,
)
async def post_events(
    session_id: uuid.UUID,
    request: Request,
    state: StateDep,
    conn: ConnDep,
    x_session_token: Annotated[str | None, Header()] = None,
) -> EventsAccepted:
    """Store a batch of events. Answers 202 only once they are committed.

    Also takes the ``navigator.sendBeacon`` form: a text/plain JSON body with ``key`` and
    ``token`` inside. A batch id seen before is acknowledged again without storing twice.
    """
    settings = state.settings
    doc = parse_json_object(request, await read_body(request, settings.max_body_bytes))
    authorization = request.headers.get("authorization", "")
    presented = authorization[7:].strip() if authorization[:7].lower() == "bearer " else None
    principal = await authenticate(request, state, conn, presented or doc.get("key"))
    batch = _batch_from(doc)
    token = x_session_token or batch.token
    accepted = await service.ingest_events(
        conn, settings, state.counters, principal, session_id, token, batch
    )
    if not accepted.duplicate:
        state.notify(
            "session_updated",
            {"session_id": str(session_id), "event_count": accepted.event_count},
        )
    return accepted


@router.get("/sessions/{session_id}/status", response_model=SessionStatus)
async def session_status(session_id: uuid.UUID, _: SecretKey, db: DbDep) -> SessionStatus:
    """The session's state and its latest verdict."""
    return service.status_of(await service.get_session(db, session_id))


@router.get("/sessions/{session_id}/ready-for-analysis", response_model=Readiness)
async def ready_for_analysis(
    session_id: uuid.UUID, _: SecretKey, state: StateDep, db: DbDep
) -> Readiness:
    """Whether there is enough data for a useful analysis, and what is missing."""
    return await service.readiness(db, state.settings, session_id)


@router.delete("/sessions/{session_id}", response_model=DeletedCount)
async def delete_session(session_id: uuid.UUID, _: SecretKey, db: DbDep) -> DeletedCount:
    """Delete the session with its events and results (a respondent's request)."""
    return DeletedCount(sessions_deleted=await service.delete_session(db, session_id))


@router.delete("/respondents", response_model=DeletedCount)
async def delete_respondent(
    _: SecretKey,
    db: DbDep,
    survey_id: Annotated[StorableText, Query(min_length=1, max_length=128)],
    respondent_id: Annotated[StorableText, Query(min_length=1, max_length=128)],
) -> DeletedCount:
    """Delete everything one respondent left in one survey."""
    return DeletedCount(
        sessions_deleted=await service.delete_respondent(db, survey_id, respondent_id)
    )
