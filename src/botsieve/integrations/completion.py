"""Completed responses: accepting the platform's event, then fetch, score and write back.

Accepting an event only verifies it and writes an outbox job whose dedupe key is the
(integration, response) pair. Qualtrics' events carry no timestamp or id, so that key is the
replay defence: a replayed or re-delivered event finds its job and is acknowledged as a
duplicate. The job writes back whenever the stored verdict is newer than what was written (a
provisional answer the Web Service element got, now scored). Our own write-back (embedded data)
does not complete the response again, and if a platform ever re-sent the completion it would
meet the same key: nothing loops.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations import deliveries, qualtrics, scoring
from botsieve.integrations.outbox import handler, new_job
from botsieve.integrations.quality import Answers
from botsieve.integrations.repository import (
    IntegrationRepository,
    OutboxRepository,
    ResponseRepository,
)
from botsieve.integrations.schemas import EventAccepted
from botsieve.integrations.service import require_platform_api, shared_keys
from botsieve.integrations.webhooks import SIGNATURE_HEADER, verify
from botsieve.kit.db import transaction
from botsieve.kit.errors import BadRequest, UnsupportedMediaType
from botsieve.kit.state import AppState
from botsieve.kit.text import storable_json_size, storable_text
from botsieve.models import Integration, OutboxJob
from botsieve.models.base import utcnow

FORM = "application/x-www-form-urlencoded"


async def _enqueue(
    db: AsyncSession, row: Integration, kind: str, response_id: str, payload: dict[str, Any]
) -> bool:
    new = await OutboxRepository(db).enqueue(
        new_job(kind, f"{kind}:{row.id}:{response_id}", payload, integration_id=row.id)
    )
    await IntegrationRepository(db).touch(row.id, last_event_at=utcnow())
    return new


async def accept_qualtrics_event(
    db: AsyncSession, row: Integration, content_type: str, body: bytes
) -> EventAccepted:
    if content_type.split(";")[0].strip().lower() != FORM:
        raise UnsupportedMediaType(f"Qualtrics events are {FORM}, not {content_type or '(none)'}.")
    fields = qualtrics.parse_form(body)
    # Verify before reading MSG: an unsigned post must learn nothing about what we accept.
    qualtrics.verify_hmac(shared_keys(row), fields.get("MSG", ""), fields.get("HMAC"))
    event = qualtrics.parse_completed_event(fields, row.survey_id)
    new = await _enqueue(
        db,
        row,
        "qualtrics.completed",
        event.response_id,
        {
            "response_id": event.response_id,
            "status": event.status,
            "completed": event.completed_date,
        },
    )
    return EventAccepted(accepted=True, duplicate=not new, response_id=event.response_id)


async def accept_generic_event(
    db: AsyncSession, row: Integration, signature: str | None, body: bytes
) -> EventAccepted:
    """Any other platform: our signature scheme, JSON ``{"id", "type", "data": {...}}``."""
    verify(signature, body, shared_keys(row))
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("The body is not valid JSON.") from None
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("response_id"), str):
        raise BadRequest("The body must be {'id', 'type', 'data': {'response_id', ...}}.")
    response_id = data["response_id"][:128]
    answers = data.get("answers") if isinstance(data.get("answers"), dict) else {}
    payload = {
        "response_id": response_id,
        "session_id": data.get("session_id") if isinstance(data.get("session_id"), str) else None,
        "duration_s": data.get("duration_s"),
        "answers": answers,
    }
    try:
        storable_text(response_id)
        storable_json_size(payload)
    except ValueError as exc:
        raise BadRequest(f"The event cannot be stored: {exc}.") from None
    new = await _enqueue(db, row, "generic.completed", response_id, payload)
    return EventAccepted(accepted=True, duplicate=not new, response_id=response_id)


GENERIC_SIGNATURE = SIGNATURE_HEADER


async def finish_response(
    state: AppState,
    row: Integration,
    response_id: str,
    session_id: str | None,
    evidence: list[str],
    answers: Answers,
) -> tuple[Any, Any, str]:
    """Verdict (made now, or the one the Web Service element already got), quality and the
    survey's decision as it stands; commit."""
    async with transaction(state.sessionmaker) as db:
        # The completion event converges: it analyses what the live call left provisional.
        scored, _ = await scoring.score_response(
            db, state, row, response_id, session_id, evidence, inline=True
        )
        if evidence and not set(evidence) <= set(scored.flags or []):
            merged = list(dict.fromkeys([*(scored.flags or []), *evidence]))
            await ResponseRepository(db).update(scored.id, flags=merged)
            scored.flags = merged
        outcome = await scoring.assess_quality(db, row, scored, answers)
        await deliveries.emit_result(db, row, scored, outcome)
        decision = await scoring.decision_for(db, scored)
    return scored, outcome, decision


@handler("qualtrics.completed")
async def process_qualtrics(
    state: AppState, client: httpx.AsyncClient, job: OutboxJob
) -> int | None:
    async with transaction(state.sessionmaker) as db:
        row = await IntegrationRepository(db).get(job.integration_id)  # type: ignore[arg-type]
    if row is None:
        return None
    base_url, api_token = require_platform_api(row)
    response_id = job.payload["response_id"]
    result = await qualtrics.fetch_response(client, base_url, api_token, row.survey_id, response_id)
    values = result.get("values") or {}
    scored, outcome, decision = await finish_response(
        state,
        row,
        response_id,
        qualtrics.session_id_of(values),
        qualtrics.qualtrics_evidence(values),
        qualtrics.answers_of(result),
    )
    if (row.config or {}).get("write_back", True) and scoring.needs_write_back(scored):
        await qualtrics.write_embedded_data(
            client,
            base_url,
            api_token,
            row.survey_id,
            response_id,
            scoring.embedded_data(scored, outcome, decision),
        )
        async with transaction(state.sessionmaker) as db:
            await ResponseRepository(db).update(scored.id, written_back_at=utcnow())
    return 200


def _generic_answers(payload: dict[str, Any]) -> Answers:
    answers = Answers()
    duration = payload.get("duration_s")
    answers.duration_s = float(duration) if isinstance(duration, int | float) else None
    for key, value in (payload.get("answers") or {}).items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            answers.items[key] = float(value)
            grid, _, _ = key.rpartition("_")
            if grid:
                answers.grids.setdefault(grid, []).append(key)
        elif isinstance(value, str):
            answers.open[key] = value
        answers.choices[key] = str(value)
    return answers


@handler("generic.completed")
async def process_generic(state: AppState, client: httpx.AsyncClient, job: OutboxJob) -> int | None:
    async with transaction(state.sessionmaker) as db:
        row = await IntegrationRepository(db).get(job.integration_id)  # type: ignore[arg-type]
    if row is None:
        return None
    await finish_response(
        state,
        row,
        job.payload["response_id"],
        job.payload.get("session_id"),
        [],
        _generic_answers(job.payload),
    )
    return None
