"""/api/v1/integrations: platform calls (tokens, HMAC) and configuration (secret key)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError

from botsieve.analysis import background
from botsieve.integrations import (
    backfill,
    completion,
    decipher,
    deliveries,
    entry,
    export,
    live,
    redirects,
    scoring,
    service,
)
from botsieve.integrations.schemas import (
    DeliveryOut,
    EntryReply,
    EventAccepted,
    EventEndpointOut,
    IntegrationCreate,
    IntegrationOut,
    IntegrationSecrets,
    IntegrationUpdate,
    RetryOut,
    ScoreReply,
    ScoreRequest,
    StatusOut,
    TestDelivery,
    WebhookCreate,
    WebhookOut,
    WebhookSecret,
)
from botsieve.integrations.webhooks import SIGNATURE_HEADER
from botsieve.kit import singleflight
from botsieve.kit.body import read_body
from botsieve.kit.db import transaction
from botsieve.kit.deps import DbDep, StateDep
from botsieve.kit.errors import BadRequest, BotsieveError, ValidationFailed, problems_from_pydantic
from botsieve.kit.fastlane import Lane
from botsieve.kit.state import AppState
from botsieve.models import Integration
from botsieve.users.deps import Admin, Viewer

router = APIRouter(prefix="/integrations", tags=["integrations"])
surveys_router = APIRouter(prefix="/surveys", tags=["integrations"])
MAX_EVENT_BYTES = 64_000
# Bodies these endpoints parse themselves (to check signatures over the raw bytes), described
# for the OpenAPI schema.
QUALTRICS_EVENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["Topic", "MSG"],
                    "properties": {
                        "Topic": {
                            "type": "string",
                            "description": "brand.surveyengine.completedResponse.SV_…",
                        },
                        "MSG": {
                            "type": "string",
                            "description": "JSON: Status, SurveyID, ResponseID, …",
                        },
                        "HMAC": {
                            "type": "string",
                            "description": "hex HMAC-SHA512(sharedKey, MSG)",
                        },
                    },
                }
            }
        },
    }
}
DECIPHER_CALL = {
    "type": "object",
    "required": ["token", "survey", "uuid"],
    "properties": {
        name: {"type": "string"} for name in ("token", "survey", "uuid", "session", "ts", "sig")
    },
}
DECIPHER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": DECIPHER_CALL},
            "application/x-www-form-urlencoded": {"schema": DECIPHER_CALL},
        },
    }
}
GENERIC_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "required": ["id", "type", "data"]}}
        },
    }
}


def _token_ttl(state: AppState) -> float:
    """Platform calls take a token this process read that recently (integrations/tokens.py)."""
    return state.settings.key_cache_seconds


bearer = HTTPBearer(auto_error=False, description="An integration token: bs_it_...")
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


# ---- called by the platforms ---------------------------------------------------------------


async def _integration(state: AppState, token: str | None, platform: str) -> Integration:
    """The token's integration: from this process's memory, else from the database."""
    ttl = _token_ttl(state)

    async def look_up() -> Integration:
        async with transaction(state.sessionmaker) as db:
            return await service.by_token(db, token, platform, cache_seconds=ttl)

    remembered = service.remembered_token(token, platform, ttl)
    return await singleflight.remembered_or_shared(
        state.extras, "integrations.tokens", (token, platform), remembered, look_up, share=ttl > 0
    )


async def _qualtrics_row(state: AppState, token: str | None, body: ScoreRequest) -> Integration:
    row = await _integration(state, token, "qualtrics")
    if body.survey_id != row.survey_id:
        raise BadRequest(f"survey_id {body.survey_id!r} is not this integration's survey.")
    return row


async def score_qualtrics(state: AppState, token: str | None, body: ScoreRequest) -> ScoreReply:
    row = await _qualtrics_row(state, token, body)
    with background.platform_call(state):
        found = await live.score(state, row, body.response_id, body.session_id)
        if found is not None:
            return found[0]
        # The session must be analysed in this call (integrations_inline_analysis).
        async with transaction(state.sessionmaker) as db:
            scored, _ = await scoring.score_response(
                db, state, row, body.response_id, body.session_id
            )
            return scoring.reply_of(scored, await scoring.decision_for(db, scored))


async def check_qualtrics_entry(
    state: AppState, token: str | None, body: ScoreRequest
) -> EntryReply:
    row = await _qualtrics_row(state, token, body)
    with background.platform_call(state):
        return await _entry_check(state, row, body.response_id, body.session_id)


async def _entry_check(
    state: AppState, row: Integration, response_id: str, session_id: str | None
) -> EntryReply:
    found = await live.entry_check(state, row, response_id, session_id)
    if found is not None:
        return found
    async with transaction(state.sessionmaker) as db:  # an analysis in the call
        return await entry.entry_check(db, state, row, response_id, session_id)


@router.post("/qualtrics/score", response_model=ScoreReply)
async def qualtrics_score(body: ScoreRequest, credentials: Bearer, state: StateDep) -> ScoreReply:
    """Qualtrics' Web Service element: the verdict as flat fields for Embedded Data."""
    return await score_qualtrics(state, credentials.credentials if credentials else None, body)


@router.post("/qualtrics/entry", response_model=EntryReply)
async def qualtrics_entry(body: ScoreRequest, credentials: Bearer, state: StateDep) -> EntryReply:
    """The check at entry (a Web Service element after the first block): block, review, pass."""
    token = credentials.credentials if credentials else None
    return await check_qualtrics_entry(state, token, body)


@router.post("/decipher/entry", response_model=EntryReply, openapi_extra=DECIPHER_BODY)
async def decipher_entry(request: Request, credentials: Bearer, state: StateDep) -> EntryReply:
    """The check at entry (a logic node after the first page): block, review or pass."""
    call = decipher.parse_call(
        request.headers.get("content-type", ""),
        await read_body(request, MAX_EVENT_BYTES),
        credentials.credentials if credentials else None,
    )
    row = await _integration(state, call.token, "decipher")
    decipher.verify_call(
        call, service.shared_keys(row), required=bool((row.config or {}).get("require_signature"))
    )
    if call.survey != row.survey_id:
        raise BadRequest(f"survey {call.survey!r} is not this integration's survey.")
    with background.platform_call(state):
        return await _entry_check(state, row, call.uuid, call.session_id)


@router.post(
    "/qualtrics/events/{hook}", response_model=EventAccepted, openapi_extra=QUALTRICS_EVENT_BODY
)
async def qualtrics_event(hook: str, request: Request, state: StateDep, db: DbDep) -> EventAccepted:
    """Qualtrics' event subscription (surveyengine.completedResponse.{SurveyID})."""
    row = await service.by_hook(db, hook, "qualtrics")
    try:
        body = await read_body(request, MAX_EVENT_BYTES)
        return await completion.accept_qualtrics_event(
            db, row, request.headers.get("content-type", ""), body
        )
    except BotsieveError as exc:
        await service.record_refusal(state, row.id, exc)
        raise


@router.get("/qualtrics/events/{hook}", response_model=EventEndpointOut)
@router.get("/generic/events/{hook}", response_model=EventEndpointOut)
async def event_endpoint(hook: str, request: Request, db: DbDep) -> EventEndpointOut:
    """A GET (a browser, a URL check) learns only that the address is right: events are POSTs."""
    platform = request.url.path.split("/")[-3]
    await service.by_hook(db, hook, platform)
    return EventEndpointOut(ok=True, platform=platform, accepts="POST")


@router.post("/decipher/score", response_model=ScoreReply, openapi_extra=DECIPHER_BODY)
async def decipher_score(
    request: Request, credentials: Bearer, state: StateDep, db: DbDep
) -> ScoreReply:
    """Decipher's ``<logic uses="api.1">`` node: the token in the body or a bearer header."""
    call = decipher.parse_call(
        request.headers.get("content-type", ""),
        await read_body(request, MAX_EVENT_BYTES),
        credentials.credentials if credentials else None,
    )
    row = await _integration(state, call.token, "decipher")
    try:
        decipher.verify_call(
            call,
            service.shared_keys(row),
            required=bool((row.config or {}).get("require_signature")),
        )
        if call.survey != row.survey_id:
            raise BadRequest(f"survey {call.survey!r} is not this integration's survey.")
    except BotsieveError as exc:
        await service.record_refusal(state, row.id, exc)
        raise
    with background.platform_call(state):
        # A final verdict stored, and no back-fill to schedule: read on the driver alone.
        if not backfill.enabled(row):
            found = await live.score(state, row, call.uuid, call.session_id, writes=False)
            if found is not None:
                return found[0]
        await live.wait_for_analysis(state, row, call.uuid, call.session_id)
        scored, changed = await scoring.score_response(db, state, row, call.uuid, call.session_id)
    if changed:  # Decipher has no completion event: this call is when the result is ready
        await deliveries.emit_result(db, row, scored, None)
    # With Decipher's REST API configured, the verdict (final by then) and the answers' quality
    # are written into the data once the respondent has left.
    await backfill.schedule(db, row, call.uuid)
    return scoring.reply_of(scored, await scoring.decision_for(db, scored))


@router.post("/generic/events/{hook}", response_model=EventAccepted, openapi_extra=GENERIC_BODY)
async def generic_event(hook: str, request: Request, state: StateDep, db: DbDep) -> EventAccepted:
    """Any other platform, signed like our own webhooks."""
    row = await service.by_hook(db, hook, "generic")
    try:
        body = await read_body(request, MAX_EVENT_BYTES)
        return await completion.accept_generic_event(
            db, row, request.headers.get(SIGNATURE_HEADER), body
        )
    except BotsieveError as exc:
        await service.record_refusal(state, row.id, exc)
        raise


@router.get(
    "/{integration_id}/redirect/{token}/{outcome}",
    response_class=RedirectResponse,
    status_code=302,
    responses={302: {"description": "To the panel's address for this outcome"}},
)
async def panel_redirect(
    integration_id: uuid.UUID, token: str, outcome: str, request: Request, db: DbDep
) -> RedirectResponse:
    """The respondent's exit (complete, screenout, quality, or auto: chosen from the verdict),
    to the panel's configured address with the panel's parameters passed through."""
    row = redirects.check_token(await service.find_integration(db, integration_id), token)
    url = await redirects.redirect_url(db, row, outcome, request.url.query)
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return RedirectResponse(url, status_code=302, headers=headers)


# ---- configuration: a secret API key, or a login (viewers read, admins change) ----


@router.post("", response_model=IntegrationSecrets, status_code=201)
async def create_integration(
    body: IntegrationCreate, _: Admin, state: StateDep, db: DbDep
) -> IntegrationSecrets:
    """Configure a survey; the token, event path and shared key are shown only now."""
    return await service.create_integration(db, state.settings, body)


@router.get("", response_model=list[IntegrationOut])
async def list_integrations(_: Viewer, db: DbDep) -> list[IntegrationOut]:
    return await service.list_integrations(db)


@router.get("/status", response_model=StatusOut)
async def status(_: Viewer, db: DbDep) -> StatusOut:
    """Per integration: configured or not, last event, last error, queue depth."""
    return await service.status(db)


@router.patch("/{integration_id}", response_model=IntegrationOut)
async def update_integration(
    integration_id: uuid.UUID, body: IntegrationUpdate, _: Admin, state: StateDep, db: DbDep
) -> IntegrationOut:
    """Fix the API token, the datacenter, the shared key or the settings; jobs parked as
    ``needs_attention`` are retried at once."""
    return await service.update_integration(db, state.settings, integration_id, body)


@router.delete("/{integration_id}", status_code=204)
async def delete_integration(integration_id: uuid.UUID, _: Admin, db: DbDep) -> None:
    """Remove the integration, its scored responses, queued jobs and session bindings; its
    token and event address stop working at once. The sessions stay with their survey."""
    await service.delete_integration(db, integration_id)


@router.post("/{integration_id}/retry", response_model=RetryOut)
async def retry(integration_id: uuid.UUID, _: Admin, db: DbDep) -> RetryOut:
    """Retry now the jobs that wait for attention or were given up."""
    return await service.retry(db, integration_id)


@router.post("/{integration_id}/rotate", response_model=IntegrationSecrets)
async def rotate(integration_id: uuid.UUID, _: Admin, db: DbDep) -> IntegrationSecrets:
    """New token and shared key; the old ones stay valid for 24 hours."""
    return await service.rotate(db, integration_id)


@router.post("/webhooks", response_model=WebhookSecret, status_code=201)
async def create_webhook(
    body: WebhookCreate, _: Admin, state: StateDep, db: DbDep
) -> WebhookSecret:
    return await deliveries.create_webhook(db, state.settings, body)


@router.get("/webhooks", response_model=list[WebhookOut])
async def list_webhooks(_: Viewer, db: DbDep) -> list[WebhookOut]:
    return await deliveries.list_webhooks(db)


@router.get("/webhooks/deliveries", response_model=list[DeliveryOut])
async def delivery_log(
    _: Viewer,
    db: DbDep,
    endpoint_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryOut]:
    """The latest deliveries, newest first, with their attempts and last error."""
    return await deliveries.delivery_log(db, endpoint_id, limit)


@router.delete("/webhooks/{endpoint_id}", status_code=204)
async def delete_webhook(endpoint_id: uuid.UUID, _: Admin, db: DbDep) -> None:
    """Stop sending to the endpoint; its queued deliveries are dropped."""
    await deliveries.delete_webhook(db, endpoint_id)


@router.post("/webhooks/{endpoint_id}/rotate", response_model=WebhookSecret)
async def rotate_webhook(endpoint_id: uuid.UUID, _: Admin, db: DbDep) -> WebhookSecret:
    return await deliveries.rotate_webhook(db, endpoint_id)


@router.post("/webhooks/{endpoint_id}/test", response_model=TestDelivery)
async def test_webhook(
    endpoint_id: uuid.UUID, _: Admin, state: StateDep, db: DbDep
) -> TestDelivery:
    """Send a signed ``ping`` now and report the endpoint's answer."""
    return await deliveries.test_webhook(db, state.settings, endpoint_id)


# ---- reconciliation ------------------------------------------------------------------------


@surveys_router.get(
    "/{survey_id:path}/responses",
    response_class=Response,
    responses={
        200: {
            "description": "One row per scored response; X-Next-Cursor names the next page",
            "content": {"text/csv": {}, "application/x-ndjson": {}},
        }
    },
)
async def survey_responses(
    survey_id: str,
    _: Viewer,
    db: DbDep,
    format: Annotated[export.Format, Query()] = "csv",
    cursor: Annotated[str | None, Query(max_length=18)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> Response:
    """The survey's responses with their verdicts and an ``exclude`` column, cursor-paged."""
    page = await export.export_page(db, survey_id, format, cursor, limit)
    headers = {"Content-Disposition": f'attachment; filename="responses.{format}"'}
    if page.next_cursor is not None:
        headers["X-Next-Cursor"] = page.next_cursor
        headers["Link"] = f'<?format={format}&limit={limit}&cursor={page.next_cursor}>; rel="next"'
    return Response(page.body, media_type=page.media_type, headers=headers)


# ---- the fast lane (kit/fastlane.py) ----------------------------------------------------------
# Two hundred respondents may finish within a second, each costing a score call: past FastAPI's
# router, dependencies and response-model pass, as session creations and event batches are. The
# routes above are what OpenAPI shows and what serves a request the lane does not match.


def _bearer_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _invalid(problems: list[dict[str, Any]]) -> ValidationFailed:
    """What the router answers for a body it cannot take (kit/errors.py): 422, same words."""
    summary = "; ".join(
        f"{'.'.join(str(p) for p in d['loc']) or 'body'}: {d['message']}" for d in problems[:3]
    )
    return ValidationFailed(f"Invalid request: {summary}", details=problems)


def _score_request(raw: bytes) -> ScoreRequest:
    try:
        return ScoreRequest.model_validate_json(raw)
    except ValidationError as exc:
        raise _invalid(problems_from_pydantic(list(exc.errors()))) from None


async def _lane(request: Request, call: Any) -> Response:
    state: AppState = request.app.state.botsieve
    body = _score_request(await read_body(request, MAX_EVENT_BYTES))
    # Each way commits before the reply, as DbDep does: a reply means what it says is stored.
    reply: BaseModel = await call(state, _bearer_token(request), body)
    return Response(reply.model_dump_json(), 200, media_type="application/json")


async def _lane_score(request: Request) -> Response:
    return await _lane(request, score_qualtrics)


async def _lane_entry(request: Request) -> Response:
    return await _lane(request, check_qualtrics_entry)


LANES = (
    Lane("POST", "/integrations/qualtrics/score", _lane_score),
    Lane("POST", "/integrations/qualtrics/entry", _lane_entry),
)
