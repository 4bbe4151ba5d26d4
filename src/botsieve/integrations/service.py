"""Integrations: configuring them, authenticating their calls, and how they are doing."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations import redirects, tokens
from botsieve.integrations.qualtrics import PlatformError
from botsieve.integrations.repository import (
    IntegrationRepository,
    OutboxRepository,
    RefusalRepository,
)
from botsieve.integrations.schemas import (
    IntegrationCreate,
    IntegrationOut,
    IntegrationSecrets,
    IntegrationStatus,
    IntegrationUpdate,
    Refusal,
    RetryOut,
    StatusOut,
    WaitingJob,
)
from botsieve.integrations.webhooks import check_destination
from botsieve.kit.db import transaction
from botsieve.kit.errors import BotsieveError, NotFound, Unauthorized
from botsieve.kit.settings import Settings
from botsieve.kit.state import AppState
from botsieve.models import Integration, OutboxJob
from botsieve.models.base import utcnow

TOKEN_PREFIX = "bs_it_"
ROTATION_GRACE = dt.timedelta(hours=24)
REFUSALS_WINDOW = dt.timedelta(hours=24)
RECENT_REFUSALS = 5
RECENT_WAITING = 10
EVENT_PATHS = {
    "qualtrics": "/api/v1/integrations/qualtrics/events/{hook}",
    "generic": "/api/v1/integrations/generic/events/{hook}",
}


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def allow_private(settings: Settings) -> bool:
    flag = settings.integrations_allow_private_urls
    return settings.env != "production" if flag is None else flag


def out(row: Integration) -> IntegrationOut:
    return IntegrationOut(
        id=row.id,
        platform=row.platform,
        name=row.name,
        survey_id=row.survey_id,
        base_url=row.base_url,
        has_api_token=bool(row.api_token),
        signed_events=bool(row.shared_key),
        config=row.config or {},
        active=row.active,
        created_at=row.created_at,
        last_event_at=row.last_event_at,
        last_error=row.last_error,
        redirect_path=redirects.path_of(row),
    )


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


async def create_integration(
    db: AsyncSession, settings: Settings, body: IntegrationCreate
) -> IntegrationSecrets:
    redirects.validate(body.config)
    base_url = str(body.base_url).rstrip("/") if body.base_url else None
    if base_url:
        await check_destination(base_url, allow_private=allow_private(settings))
    token, hook = _new_token(), secrets.token_urlsafe(24)
    # Qualtrics and generic sources sign their events; Decipher's logic node may sign too.
    shared_key = body.shared_key or secrets.token_urlsafe(32)
    row = await IntegrationRepository(db).add(
        Integration(
            platform=body.platform,
            name=body.name,
            survey_id=body.survey_id,
            token_hash=digest(token),
            hook_hash=digest(hook),
            shared_key=shared_key,
            api_token=body.api_token,
            base_url=base_url,
            config=body.config,
            created_at=utcnow(),
        )
    )
    return IntegrationSecrets(
        integration=out(row),
        token=token,
        event_path=EVENT_PATHS[body.platform].format(hook=hook)
        if body.platform in EVENT_PATHS
        else None,
        shared_key=shared_key,
    )


async def list_integrations(db: AsyncSession) -> list[IntegrationOut]:
    return [out(r) for r in await IntegrationRepository(db).all()]


async def find_integration(db: AsyncSession, integration_id: uuid.UUID) -> Integration | None:
    return await IntegrationRepository(db).get(integration_id)


async def get_integration(db: AsyncSession, integration_id: uuid.UUID) -> Integration:
    row = await IntegrationRepository(db).get(integration_id)
    if row is None:
        raise NotFound(f"No integration {integration_id}.")
    return row


async def delete_integration(db: AsyncSession, integration_id: uuid.UUID) -> None:
    """Remove the integration with what hangs off it (scored responses, queued jobs, session
    bindings, refused posts: the database cascades). Its token and event address stop working
    at once; the sessions themselves stay, they belong to the survey."""
    await get_integration(db, integration_id)
    await IntegrationRepository(db).delete(integration_id)
    tokens.forget_all()


async def update_integration(
    db: AsyncSession, settings: Settings, integration_id: uuid.UUID, body: IntegrationUpdate
) -> IntegrationOut:
    """Fix what was wrong (token, datacenter, key); parked jobs are retried straight away."""
    row = await get_integration(db, integration_id)
    values = body.model_dump(exclude_unset=True)
    if values.get("config") is not None:
        redirects.validate(values["config"])
    if values.get("base_url") is not None:
        values["base_url"] = str(body.base_url).rstrip("/")
        await check_destination(values["base_url"], allow_private=allow_private(settings))
    for name in ("name", "api_token", "shared_key", "config", "active"):
        if name in values and values[name] is None:
            del values[name]  # these cannot be emptied, only replaced
    if values:
        await IntegrationRepository(db).touch(row.id, **values)
        await OutboxRepository(db).requeue(row.id, utcnow())
        await db.refresh(row)
        tokens.forget_all()
    return out(row)


async def retry(db: AsyncSession, integration_id: uuid.UUID) -> RetryOut:
    """Make the integration's parked and given-up jobs due now."""
    row = await get_integration(db, integration_id)
    return RetryOut(requeued=await OutboxRepository(db).requeue(row.id, utcnow()))


async def record_refusal(state: AppState, integration_id: uuid.UUID, exc: BotsieveError) -> None:
    """Keep when and why a post was refused (not its body), outside the refused request's
    transaction, which is rolled back."""
    async with transaction(state.sessionmaker) as db:
        await RefusalRepository(db).add(integration_id, exc.status_code, exc.message)


async def rotate(db: AsyncSession, integration_id: uuid.UUID) -> IntegrationSecrets:
    """New token and shared key; the old ones keep working for 24 hours (update the survey)."""
    row = await get_integration(db, integration_id)
    token, shared_key = _new_token(), secrets.token_urlsafe(32)
    await IntegrationRepository(db).touch(
        row.id,
        previous_token_hash=row.token_hash,
        previous_token_until=utcnow() + ROTATION_GRACE,
        token_hash=digest(token),
        previous_shared_key=row.shared_key,
        shared_key=shared_key,
    )
    await db.refresh(row)
    tokens.forget_all()
    return IntegrationSecrets(
        integration=out(row),
        token=token,
        event_path=None,  # unchanged: the subscription keeps posting where it did
        shared_key=shared_key,
    )


async def by_token(
    db: AsyncSession, token: str | None, platform: str, *, cache_seconds: float = 0.0
) -> Integration:
    """The integration the token belongs to; ``cache_seconds`` > 0 takes a row this process
    read that recently (tokens.py), for the calls a survey makes by the hundred."""
    remembered = remembered_token(token, platform, cache_seconds)
    if remembered is not None:
        return remembered
    token_hash = _token_hash(token)
    row = await IntegrationRepository(db).by_token(token_hash, utcnow())
    if row is not None and cache_seconds > 0:
        tokens.remember(token_hash, row)
    return _of_platform(row, platform)


def remembered_token(token: str | None, platform: str, cache_seconds: float) -> Integration | None:
    """The integration of a token this process read within ``cache_seconds`` (no database);
    None if it did not. A malformed token, or another platform's, is refused here already."""
    token_hash = _token_hash(token)
    row = tokens.recall(token_hash, cache_seconds) if cache_seconds > 0 else None
    if row is None or not tokens.still_accepts(row, token_hash, utcnow()):
        return None
    return _of_platform(row, platform)


def _token_hash(token: str | None) -> str:
    if not token:
        raise Unauthorized("An integration token is required.")
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthorized("Not an integration token (they start with bs_it_).")
    return digest(token)


def _of_platform(row: Integration | None, platform: str) -> Integration:
    if row is None:
        raise Unauthorized("Unknown or revoked integration token.")
    if row.platform != platform:
        raise Unauthorized(f"This token belongs to a {row.platform} integration, not {platform}.")
    return row


async def by_hook(db: AsyncSession, hook: str, platform: str) -> Integration:
    row = await IntegrationRepository(db).by_hook(digest(hook))
    if row is None or row.platform != platform:
        # The same answer for "no such hook" and "wrong platform": the path is the credential.
        raise NotFound("No such event subscription endpoint.")
    return row


def shared_keys(row: Integration) -> list[str]:
    """The keys events may be signed with: the current one, and the previous during its grace."""
    keys = [row.shared_key] if row.shared_key else []
    grace = row.previous_token_until
    if row.previous_shared_key and grace is not None and grace > utcnow():
        keys.append(row.previous_shared_key)
    return keys


def missing_configuration(row: Integration) -> list[str]:
    missing = []
    if row.platform == "qualtrics":
        if not row.base_url:
            missing.append("base_url (the datacenter, https://<dc>.qualtrics.com)")
        if not row.api_token:
            missing.append("api_token (X-API-TOKEN, to fetch responses and write back)")
    return missing


async def status(db: AsyncSession) -> StatusOut:
    outbox, refusals = OutboxRepository(db), RefusalRepository(db)
    depth = await outbox.depth_by_integration()
    parked = await outbox.depth_by_integration("needs_attention")
    refused = await refusals.counts_since(utcnow() - REFUSALS_WINDOW)
    items = []
    for row in await IntegrationRepository(db).all():
        recent = await refusals.latest(row.id, RECENT_REFUSALS)
        waiting = await outbox.waiting(row.id, RECENT_WAITING)
        missing = missing_configuration(row)
        items.append(
            IntegrationStatus(
                id=row.id,
                platform=row.platform,
                name=row.name,
                survey_id=row.survey_id,
                configured=row.active and not missing,
                missing=missing,
                last_event_at=row.last_event_at,
                last_error=row.last_error,
                last_error_at=row.last_error_at,
                queue_depth=depth.get(row.id, 0),
                needs_attention=parked.get(row.id, 0),
                refused_last_24h=refused.get(row.id, 0),
                recent_refusals=[
                    Refusal(at=r.at, status_code=r.status_code, reason=r.reason) for r in recent
                ],
                waiting_jobs=[_waiting(job) for job in waiting],
                redirect_path=redirects.path_of(row),
            )
        )
    return StatusOut(integrations=items, webhook_queue_depth=depth.get(None, 0))


def _waiting(job: OutboxJob) -> WaitingJob:
    response = (job.payload or {}).get("response_id") or (job.payload or {}).get("uuid")
    return WaitingJob(
        id=job.id,
        kind=job.kind,
        status=job.status,
        response_id=str(response) if response is not None else None,
        attempts=job.attempts,
        last_status_code=job.last_status_code,
        last_error=job.last_error,
        created_at=job.created_at,
    )


def require_platform_api(row: Integration) -> tuple[str, str]:
    """Where and how to call the platform; a job without them cannot succeed by retrying."""
    if not row.base_url or not row.api_token:
        raise PlatformError(
            f"Integration {row.id} needs base_url and api_token to call {row.platform}.",
            retry=False,
        )
    return row.base_url, row.api_token
