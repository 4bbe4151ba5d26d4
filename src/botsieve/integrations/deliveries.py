"""Our outbound webhooks: endpoints, signed deliveries through the outbox, and their log.

Each event is one outbox job per subscribed endpoint, keyed by (endpoint, event type, subject)
so that re-processing a response never delivers its result twice. The body is built when the
event happens and stored with the job; the signature is made at each attempt (a fresh
timestamp, so a delivery retried hours later still passes the receiver's 5-minute window).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
import uuid
from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations import quality
from botsieve.integrations.outbox import handler, http_client, new_job
from botsieve.integrations.qualtrics import PlatformError
from botsieve.integrations.repository import OutboxRepository, WebhookRepository
from botsieve.integrations.schemas import (
    DeliveryOut,
    TestDelivery,
    WebhookCreate,
    WebhookOut,
    WebhookSecret,
)
from botsieve.integrations.scoring import decision_for, result_event
from botsieve.integrations.service import allow_private
from botsieve.integrations.webhooks import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    check_destination,
    new_secret,
    signature_header,
)
from botsieve.kit.errors import NotFound
from botsieve.kit.settings import Settings
from botsieve.kit.state import AppState
from botsieve.models import Integration, OutboxJob, ScoredResponse, Webhook
from botsieve.models.base import utcnow

ROTATION_GRACE = dt.timedelta(hours=24)


def _out(row: Webhook) -> WebhookOut:
    rotating = (
        row.previous_secret_until if row.previous_secret and row.previous_secret_until else None
    )
    return WebhookOut(
        id=row.id,
        url=row.url,
        events=list(row.events or []),
        active=row.active,
        created_at=row.created_at,
        rotating_until=rotating if rotating and rotating > utcnow() else None,
    )


def signing_secrets(row: Webhook, now: dt.datetime | None = None) -> list[str]:
    current = now or utcnow()
    keep_old = (
        row.previous_secret and row.previous_secret_until and row.previous_secret_until > current
    )
    return [row.secret, row.previous_secret] if keep_old else [row.secret]  # type: ignore[list-item]


async def create_webhook(
    db: AsyncSession, settings: Settings, body: WebhookCreate
) -> WebhookSecret:
    url = await check_destination(str(body.url), allow_private=allow_private(settings))
    row = await WebhookRepository(db).add(
        Webhook(
            url=url,
            events=list(dict.fromkeys(body.events)),
            secret=new_secret(),
            created_at=utcnow(),
        )
    )
    return WebhookSecret(webhook=_out(row), secret=row.secret)


async def list_webhooks(db: AsyncSession) -> list[WebhookOut]:
    return [_out(r) for r in await WebhookRepository(db).all()]


async def _get(db: AsyncSession, endpoint_id: uuid.UUID) -> Webhook:
    row = await WebhookRepository(db).get(endpoint_id)
    if row is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}.")
    return row


async def delete_webhook(db: AsyncSession, endpoint_id: uuid.UUID) -> None:
    """Stop sending to the endpoint; its queued deliveries are dropped with it."""
    await _get(db, endpoint_id)
    await WebhookRepository(db).delete(endpoint_id)


async def rotate_webhook(db: AsyncSession, endpoint_id: uuid.UUID) -> WebhookSecret:
    """A new secret; deliveries are signed with both for 24 hours while receivers switch."""
    row = await _get(db, endpoint_id)
    row.previous_secret, row.previous_secret_until = row.secret, utcnow() + ROTATION_GRACE
    row.secret = new_secret()
    await db.flush()
    return WebhookSecret(webhook=_out(row), secret=row.secret)


def envelope(event_id: str, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": event_id, "type": event_type, "created": int(time.time()), "data": data}


async def emit(
    db: AsyncSession,
    event_type: str,
    subject: str,
    data: dict[str, Any],
    integration_id: uuid.UUID | None = None,
) -> int:
    """Queue ``event_type`` for every endpoint subscribed to it; return how many were new."""
    queued = 0
    repo = OutboxRepository(db)
    for endpoint in await WebhookRepository(db).subscribed(event_type):
        event_id = "evt_" + secrets.token_hex(12)
        job = new_job(
            "webhook",
            f"webhook:{endpoint.id}:{event_type}:{subject}",
            {
                "event_id": event_id,
                "event_type": event_type,
                "body": envelope(event_id, event_type, data),
            },
            endpoint_id=endpoint.id,
        )
        queued += int(await repo.enqueue(job))
    return queued


async def emit_result(
    db: AsyncSession, row: Integration, scored: ScoredResponse, outcome: quality.Quality | None
) -> None:
    data = result_event(row, scored, outcome, await decision_for(db, scored))
    # Once per response and status: a provisional result, then the final one, each delivered
    # once however often the response is processed.
    subject = f"{row.id}:{scored.response_id}:{scored.status}"
    await emit(db, "result.ready", subject, data)
    if data["verdict"] == "bot":
        await emit(db, "session.flagged", subject, data)


async def _post(
    client: httpx.AsyncClient,
    endpoint: Webhook,
    event_id: str,
    event_type: str,
    body: dict[str, Any],
) -> int:
    raw = orjson.dumps(body)
    reply = await client.post(
        endpoint.url,
        content=raw,
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_header(signing_secrets(endpoint), raw),
            EVENT_ID_HEADER: event_id,
            EVENT_TYPE_HEADER: event_type,
        },
    )
    if reply.status_code >= 300:
        # Every non-2xx is retried: the receiver may be mid-deploy or have a wrong secret.
        raise PlatformError(
            f"HTTP {reply.status_code}: {reply.text[:200]}", status_code=reply.status_code
        )
    return reply.status_code


@handler("webhook")
async def deliver(state: AppState, client: httpx.AsyncClient, job: OutboxJob) -> int | None:
    from botsieve.kit.db import transaction

    async with transaction(state.sessionmaker) as db:
        endpoint = await WebhookRepository(db).get(job.endpoint_id) if job.endpoint_id else None
    if endpoint is None or not endpoint.active:
        return None
    p = job.payload
    return await _post(client, endpoint, p["event_id"], p["event_type"], p["body"])


async def test_webhook(
    db: AsyncSession, settings: Settings, endpoint_id: uuid.UUID
) -> TestDelivery:
    """Send a signed ``ping`` now and report what the endpoint answered (not retried)."""
    endpoint = await _get(db, endpoint_id)
    event_id = "evt_test_" + secrets.token_hex(8)
    body = envelope(event_id, "ping", {"message": "A test delivery from botsieve."})
    try:
        async with http_client(settings) as client:
            code = await _post(client, endpoint, event_id, "ping", body)
    except PlatformError as exc:
        return TestDelivery(
            delivered=False, status_code=exc.status_code, error=str(exc), event_id=event_id
        )
    except httpx.HTTPError as exc:
        return TestDelivery(
            delivered=False,
            status_code=None,
            error=f"{type(exc).__name__}: {exc}",
            event_id=event_id,
        )
    return TestDelivery(delivered=True, status_code=code, error=None, event_id=event_id)


async def delivery_log(
    db: AsyncSession, endpoint_id: uuid.UUID | None, limit: int
) -> list[DeliveryOut]:
    rows = await OutboxRepository(db).deliveries(endpoint_id, limit)
    return [
        DeliveryOut(
            id=r.id,
            endpoint_id=r.endpoint_id,
            event_id=r.payload.get("event_id", ""),
            event_type=r.payload.get("event_type", ""),
            status=r.status,
            attempts=r.attempts,
            last_status_code=r.last_status_code,
            last_error=r.last_error,
            created_at=r.created_at,
            next_attempt_at=r.next_attempt_at,
            finished_at=r.finished_at,
        )
        for r in rows
    ]
