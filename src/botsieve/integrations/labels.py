"""An analyst's label flows back: into the platform's data, and as a ``session.labelled`` event.

When a session is labelled in the review, every response it vouches for (not those that
presented it as a borrowed session) gets a ``session.labelled`` webhook and, for Qualtrics,
an embedded-data write of ``botsieve_label`` and ``botsieve_exclude`` (for Decipher with its REST
API configured, ``hBotLabel`` and ``hBotExclude`` through "Modifying Data"). The write is a job
that reads the label when it runs, so a label changed twice is written as it finally stands.
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
    touched = 0
    stamp = utcnow().isoformat()
    session = await db.get(Session, session_id)
    decision = session.decision if session is not None else None
    for scored, integration in await ResponseRepository(db).by_session(session_id):
        if scored.status == SESSION_REUSED:
            continue
        touched += 1
        data = {
            **result_event(integration, scored, None, await decision_for(db, scored)),
            "label": label,
            "exclude": should_exclude(scored, label, decision),
        }
        subject = f"{integration.id}:{scored.response_id}:{stamp}"
        await deliveries.emit(db, "session.labelled", subject, data)
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
    if row is None or scored is None:
        return None
    label = session.label if session is not None else None
    exclude = should_exclude(scored, label, session.decision if session is not None else None)
    if row.platform == "decipher":
        return await backfill.write_label(client, row, scored.response_id, label, exclude)
    base_url, api_token = require_platform_api(row)
    fields = {"botsieve_label": label or "", "botsieve_exclude": "1" if exclude else "0"}
    await qualtrics.write_embedded_data(
        client, base_url, api_token, row.survey_id, scored.response_id, fields
    )
    return 200
