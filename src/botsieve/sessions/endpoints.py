"""/api/v1/detection/sessions: create sessions, take in events, read a session's state."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, StringConstraints, TypeAdapter, ValidationError

from botsieve.analysis import background
from botsieve.auth.deps import SecretKey, authenticate, bearer_key
from botsieve.kit.body import parse_json_object, read_body
from botsieve.kit.clientip import client_ip, hash_ip
from botsieve.kit.deps import DbDep, StateDep
from botsieve.kit.errors import ValidationFailed, problems_from_pydantic
from botsieve.kit.fastlane import Lane
from botsieve.kit.state import AppState
from botsieve.kit.text import StorableText
from botsieve.privacy import service as privacy
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
_session_create = TypeAdapter(SessionCreate)
_ENVELOPE_FIELDS = ("batch_id", "key", "token")
_BEARER: list[dict[str, list[str]]] = [{"HTTPBearer": []}]


def _json_body(schema: str, media_types: tuple[str, ...], description: str) -> dict[str, Any]:
    return {
        "required": True,
        "description": description,
        "content": {m: {"schema": {"$ref": f"#/components/schemas/{schema}"}} for m in media_types},
    }


def _header(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string", "maxLength": 128},
    }


# The two hot endpoints read their own requests (the note above create_session says why), so
# their body, headers and key are declared to OpenAPI here; app.py adds the body schemas.
CREATE_DOC: dict[str, Any] = {
    "security": _BEARER,
    "parameters": [
        _header(
            "Idempotency-Key",
            "A retried request with the same key gets the same session; the same key with "
            "another body is refused (422).",
        )
    ],
    "requestBody": _json_body("SessionCreate", ("application/json",), "The session to start."),
}
EVENTS_DOC: dict[str, Any] = {
    "security": _BEARER,
    "parameters": [_header("X-Session-Token", "The token the session was created with.")],
    "requestBody": _json_body(
        "EventBatchIn",
        ("application/json", "text/plain"),
        "A batch of events (or one event with a batch_id). See docs/events.md.",
    ),
}
BODY_SCHEMAS: dict[str, TypeAdapter[Any]] = {
    "SessionCreate": _session_create,
    "EventBatchIn": _batch,
}


def _validated(adapter: TypeAdapter[Any], doc: dict[str, Any], what: str) -> Any:
    try:
        return adapter.validate_python(doc)
    except ValidationError as exc:
        problems = problems_from_pydantic(list(exc.errors()))
        first = problems[0] if problems else {"loc": [], "message": "invalid"}
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ValidationFailed(
            f"Invalid {what} ({exc.error_count()} problems); first: {where}: {first['message']}",
            details=problems,
        ) from None


def _batch_from(doc: dict[str, Any]) -> EventBatchIn:
    if "type" in doc and "events" not in doc:
        envelope = {k: doc[k] for k in _ENVELOPE_FIELDS if k in doc}
        event = {k: v for k, v in doc.items() if k not in _ENVELOPE_FIELDS}
        doc = {**envelope, "events": [event]}
    batch: EventBatchIn = _validated(_batch, doc, "events")
    return batch


_IDEMPOTENCY_KEY: TypeAdapter[str] = TypeAdapter(
    Annotated[StorableText, StringConstraints(min_length=1, max_length=128)]
)


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    try:
        return _IDEMPOTENCY_KEY.validate_python(key)
    except ValidationError as exc:
        problems = problems_from_pydantic(list(exc.errors()))
        for problem in problems:
            problem["loc"] = ["header", "Idempotency-Key"]
        raise ValidationFailed(
            f"Invalid Idempotency-Key header: {problems[0]['message']}", details=problems
        ) from None


def _rendered(model: BaseModel, status_code: int) -> Response:
    return Response(model.model_dump_json(), status_code, media_type="application/json")


# The hot endpoints take the bare request and answer with a rendered Response: FastAPI's
# dependency and response-model passes cost more than the work itself at thousands of requests a
# second (docs/service.md, "Performance"). What they accept and answer is declared above.


@router.post("/sessions", status_code=201, response_model=SessionCreated, openapi_extra=CREATE_DOC)
async def create_session(request: Request) -> Response:
    """Start a session. The reply's token lets the browser write this session's events."""
    state: AppState = request.app.state.botsieve
    settings = state.settings
    principal = await authenticate(request, state, bearer_key(request))
    idempotency_key = _idempotency_key(request)
    doc = parse_json_object(request, await read_body(request, settings.max_body_bytes))
    body: SessionCreate = _validated(_session_create, doc, "session")
    ip_hash = hash_ip(client_ip(request, settings.trusted_proxies), settings.ip_salt)
    created = await service.create_session(
        state.raw_db, settings, state.counters, principal, body, ip_hash, idempotency_key
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
    return _rendered(created, 201)


@router.post(
    "/sessions/{session_id}/events",
    status_code=202,
    response_model=EventsAccepted,
    openapi_extra=EVENTS_DOC,
)
async def post_events(request: Request, session_id: uuid.UUID) -> Response:
    """Store a batch of events. Answers 202 only once they are committed.

    Also takes the ``navigator.sendBeacon`` form: a text/plain JSON body with ``key`` and
    ``token`` inside. A batch id seen before is acknowledged again without storing twice.
    """
    state: AppState = request.app.state.botsieve
    settings = state.settings
    doc = parse_json_object(request, await read_body(request, settings.max_body_bytes))
    principal = await authenticate(request, state, bearer_key(request) or doc.get("key"))
    batch = _batch_from(doc)
    token = request.headers.get("x-session-token") or batch.token
    accepted = await service.ingest_events(
        state.raw_db,
        settings,
        state.counters,
        principal,
        session_id,
        token,
        batch,
        # A survey platform will ask for the verdict: it is made once the batches pause.
        lambda platform, count: background.after_batch(state, session_id, platform, count),
    )
    if not accepted.duplicate:
        state.notify(
            "session_updated",
            {"session_id": str(session_id), "event_count": accepted.event_count},
        )
    return _rendered(accepted, 202)


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
async def delete_session(
    session_id: uuid.UUID, caller: SecretKey, state: StateDep, db: DbDep
) -> DeletedCount:
    """Delete the session with its events and results (a respondent's request)."""
    # privacy.service says what "results" covers: analyses, scored responses, queued jobs.
    counts = await privacy.delete_session(
        db, state.settings.secret, session_id, requested_by=f"key:{caller.key_id}"
    )
    return DeletedCount(sessions_deleted=counts["sessions"])


@router.delete("/respondents", response_model=DeletedCount)
async def delete_respondent(
    caller: SecretKey,
    state: StateDep,
    db: DbDep,
    survey_id: Annotated[StorableText, Query(min_length=1, max_length=128)],
    respondent_id: Annotated[StorableText, Query(min_length=1, max_length=128)],
) -> DeletedCount:
    """Delete everything one respondent left in one survey."""
    counts = await privacy.delete_respondent(
        db, state.settings.secret, survey_id, respondent_id, f"key:{caller.key_id}"
    )
    return DeletedCount(sessions_deleted=counts["sessions"])


# Served past the router by kit/fastlane.py; the routes above are what OpenAPI shows.
LANES = (
    Lane("POST", "/detection/sessions", create_session),
    Lane("POST", "/detection/sessions/{session_id:uuid}/events", post_events),
)
