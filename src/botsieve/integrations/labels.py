"""An analyst's label or review flows back: into the platform's data, and as a webhook.

When a session is labelled (``session.labelled``) or reviewed (``session.reviewed``: confirmed
as a bot, dismissed as a person, or back to pending, which changes its decision), every
response it vouches for (not those that presented it as a borrowed session) gets the webhook
and, for Qualtrics, an embedded-data write of ``botsieve_label``, ``botsieve_exclude`` and
``botsieve_decision`` (for Decipher with its REST API configured, ``hBotLabel`` and
``hBotExclude``, and ``hBotDecision`` with ``config.write_decision``, through "Modifying
Data"). The write is a job that reads the label and decision when it runs, so a session
changed twice is written as it finally stands.
"""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations import backfill, deliveries, qualtrics
from botsieve.integrations.export import should_exclude
from botsieve.integrations.outbox import handler, new_job
from botsieve.integrations.repository import (
    IntegrationRepository,
    OutboxRepository,
    ResponseRepository,
)
from botsieve.integrations.scoring import SESSION_REUSED, decision_for, result_event
from botsieve.integrations.service import require_platform_api
from botsieve.kit.db import transaction
from botsieve.kit.state import AppState
from botsieve.models import Integration, OutboxJob, Session
from botsieve.models.base import utcnow

KINDS = {"qualtrics": "qualtrics.label", "decipher": "decipher.label"}


def _writes_back(integration: Integration) -> bool:
    if integration.platform == "decipher":
        return backfill.enabled(integration)
    return (integration.config or {}).get("write_back", True) is not False


async def label_changed(db: AsyncSession, session_id: uuid.UUID, label: str | None) -> int:
    """Queue the write-backs and webhooks of a new label; return how many responses it touched."""
    return await _flow_back(db, session_id, "session.labelled", {"label": label})


async def review_changed(db: AsyncSession, session: Session) -> int:
    """Queue the write-backs and webhooks of a review decision on ``session`` (its decision
    already rewritten); return how many responses it touched."""
    extra = {"label": session.label, "review_state": session.review_state or "pending"}
    return await _flow_back(db, session.id, "session.reviewed", extra)


async def _flow_back(
    db: AsyncSession, session_id: uuid.UUID, event_type: str, extra: dict[str, str | None]
) -> int:
    touched = 0
    stamp = utcnow().isoformat()
    session = await db.get(Session, session_id)
    decision = session.decision if session is not None else None
    label = session.label if session is not None else None
    for scored, integration in await ResponseRepository(db).by_session(session_id):
        if scored.status == SESSION_REUSED:
            continue
        touched += 1
        data = {
            **result_event(integration, scored, None, await decision_for(db, scored)),
            "label": label,
            **extra,
            "exclude": should_exclude(scored, label, decision),
        }
        subject = f"{integration.id}:{scored.response_id}:{stamp}"
        await deliveries.emit(db, event_type, subject, data)
        kind = KINDS.get(integration.platform)
        if kind is not None and _writes_back(integration):
            await OutboxRepository(db).enqueue(
                new_job(
                    kind,
                    f"{kind}:{integration.id}:{scored.response_id}:{stamp}",
                    {"response_id": scored.response_id},
                    integration_id=integration.id,
                )
            )
    return touched


@handler(KINDS["qualtrics"])
@handler(KINDS["decipher"])
async def write_label(state: AppState, client: httpx.AsyncClient, job: OutboxJob) -> int | None:
    async with transaction(state.sessionmaker) as db:
        row = await IntegrationRepository(db).get(job.integration_id)  # type: ignore[arg-type]
        scored = (
            await ResponseRepository(db).get(row.id, job.payload["response_id"]) if row else None
        )
        session = await db.get(Session, scored.session_id) if scored and scored.session_id else None
        decision = await decision_for(db, scored) if scored else "unknown"
    if row is None or scored is None:
        return None
    label = session.label if session is not None else None
    exclude = should_exclude(scored, label, session.decision if session is not None else None)
    if row.platform == "decipher":
        return await backfill.write_label(client, row, scored.response_id, label, exclude, decision)
    base_url, api_token = require_platform_api(row)
    fields = {
        "botsieve_label": label or "",
        "botsieve_exclude": "1" if exclude else "0",
        "botsieve_decision": decision,
    }
    await qualtrics.write_embedded_data(
        client, base_url, api_token, row.survey_id, scored.response_id, fields
    )
    return 200
