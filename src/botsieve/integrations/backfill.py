"""Decipher back-fill: the verdict and the response's quality, written into the survey's data.

Decipher has no completion event, and its logic node asks for the verdict while the
respondent is still in the survey: the last page's events (sent by ``sendBeacon`` as the page
unloads) often arrive after it, so the node may get ``provisional``. Where the integration has
Decipher's REST API configured (``base_url`` = the company's host, ``api_token`` = an API key
with data-edit permission), each scored respondent gets one job, due a while after the call
(``config.backfill_delay_seconds``, default 120): it reads the respondent's record and the
datamap, scores again now that the respondent has left (the session is completed), assesses
the answers' quality, and writes the hidden variables with "Modifying Data". A respondent not
yet in the data is asked for again (backoff); a refused key or variable parks the job as
``needs_attention``.
"""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations import decipher_api, scoring
from botsieve.integrations.completion import finish_response
from botsieve.integrations.outbox import handler, new_job
from botsieve.integrations.repository import (
    IntegrationRepository,
    OutboxRepository,
    ResponseRepository,
)
from botsieve.integrations.service import require_platform_api
from botsieve.kit.db import transaction
from botsieve.kit.state import AppState
from botsieve.models import Integration, OutboxJob
from botsieve.models.base import utcnow

KIND = "decipher.backfill"
DEFAULT_DELAY_SECONDS = 120
MAX_DELAY_SECONDS = 86_400


def enabled(row: Integration) -> bool:
    return (
        row.platform == "decipher"
        and bool(row.base_url and row.api_token)
        and (row.config or {}).get("write_back", True) is not False
    )


def writes_decision(row: Integration) -> bool:
    """``config.write_decision``: the survey declares ``hBotDecision`` (or its renamed
    variable) and wants the rule's decision in its data, not only the verdict."""
    return (row.config or {}).get("write_decision") is True


def delay_of(row: Integration) -> dt.timedelta:
    value = (row.config or {}).get("backfill_delay_seconds", DEFAULT_DELAY_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = DEFAULT_DELAY_SECONDS
    return dt.timedelta(seconds=min(max(float(value), 0.0), MAX_DELAY_SECONDS))


async def schedule(db: AsyncSession, row: Integration, respondent: str) -> bool:
    """One back-fill per respondent (a second pass through the node finds the first job)."""
    if not enabled(row) or not decipher_api.SAFE_UUID.match(respondent):
        return False
    job = new_job(
        KIND, f"{KIND}:{row.id}:{respondent}", {"uuid": respondent}, integration_id=row.id
    )
    job["next_attempt_at"] = utcnow() + delay_of(row)
    return await OutboxRepository(db).enqueue(job)


def _verdict_values(
    names: dict[str, str], fields: dict[str, str], *, decision: bool
) -> dict[str, str]:
    """Our embedded-data fields under the survey's variable names (the decision if asked)."""
    keys = {
        "botsieve_status": "status",
        "botsieve_score": "score",
        "botsieve_verdict": "verdict",
        "botsieve_risk": "risk",
        "botsieve_flags": "flags",
        "botsieve_quality": "quality",
        "botsieve_quality_flags": "quality_flags",
    }
    if decision:
        keys["botsieve_decision"] = "decision"
    return {names[keys[k]]: v for k, v in fields.items() if k in keys}


@handler(KIND)
async def backfill(state: AppState, client: httpx.AsyncClient, job: OutboxJob) -> int | None:
    async with transaction(state.sessionmaker) as db:
        row = await IntegrationRepository(db).get(job.integration_id)  # type: ignore[arg-type]
    if row is None:
        return None
    base_url, api_key = require_platform_api(row)
    respondent = job.payload["uuid"]
    names = decipher_api.variables_of(row.config)
    record = await decipher_api.fetch_record(client, base_url, api_key, row.survey_id, respondent)
    datamap = await decipher_api.fetch_datamap(client, base_url, api_key, row.survey_id)
    answers = decipher_api.answers_of(record, datamap, set(names.values()))
    scored, outcome, decision = await finish_response(state, row, respondent, None, [], answers)
    fields = scoring.embedded_data(scored, outcome, decision)
    values = _verdict_values(names, fields, decision=writes_decision(row))
    await decipher_api.edit_record(client, base_url, api_key, row.survey_id, respondent, values)
    async with transaction(state.sessionmaker) as db:
        await ResponseRepository(db).update(scored.id, written_back_at=utcnow())
    return 200


async def write_label(
    client: httpx.AsyncClient,
    row: Integration,
    respondent: str,
    label: str | None,
    exclude: bool,
    decision: str,
) -> int:
    """An analyst's label or review: ``hBotLabel``, ``hBotExclude`` (the decision's exclusion)
    and, with ``config.write_decision``, ``hBotDecision``."""
    base_url, api_key = require_platform_api(row)
    names = decipher_api.variables_of(row.config)
    values = {names["label"]: label or "", names["exclude"]: "1" if exclude else "0"}
    if writes_decision(row):
        values[names["decision"]] = decision
    await decipher_api.edit_record(client, base_url, api_key, row.survey_id, respondent, values)
    return 200
