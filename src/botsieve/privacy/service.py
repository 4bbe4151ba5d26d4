"""Delete a respondent, a session, or what outlived the retention, and record that it happened.

Everything goes through ``erase``: the sessions, their events and analyses (by cascade), the
platform responses scored from them, and the outbox jobs and webhook deliveries that name
them. An audit row keeps the counts and a keyed digest of the subject, not the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.models import DeletionRecord
from botsieve.models.base import utcnow
from botsieve.privacy.repository import PrivacyRepository, Response


def subject_digest(secret: bytes, scope: str, *parts: str) -> str:
    """A keyed digest of what was deleted; its own key, derived from the installation secret."""
    key = hmac.new(secret, b"deletion-audit", hashlib.sha256).digest()
    message = "\x1f".join((scope, *parts)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def _erase(
    repo: PrivacyRepository, sessions: set[uuid.UUID], responses: set[Response]
) -> dict[str, int]:
    responses = (
        responses
        | await repo.responses_of_sessions(sessions)
        | await repo.responses_named_by_jobs(sessions)
    )
    return {
        "integration_outbox": await repo.delete_jobs(sessions, responses),
        "integration_responses": await repo.delete_responses(sessions, responses),
        "sessions": await repo.delete_sessions(sessions),
    }


async def _audit(
    repo: PrivacyRepository,
    scope: str,
    digest: str | None,
    requested_by: str,
    counts: dict[str, int],
) -> None:
    await repo.record(
        DeletionRecord(
            scope=scope,
            subject_digest=digest,
            requested_by=requested_by[:64],
            counts=counts,
            created_at=utcnow(),
        )
    )


async def delete_session(
    db: AsyncSession, secret: bytes, session_id: uuid.UUID, requested_by: str
) -> dict[str, int]:
    repo = PrivacyRepository(db)
    counts = await _erase(repo, {session_id}, set())
    digest = subject_digest(secret, "session", str(session_id))
    await _audit(repo, "session", digest, requested_by, counts)
    return counts


async def delete_respondent(
    db: AsyncSession, secret: bytes, survey_id: str, respondent_id: str, requested_by: str
) -> dict[str, int]:
    """Everything one respondent left in one survey, whether collected or scored by a platform."""
    repo = PrivacyRepository(db)
    sessions = await repo.sessions_of_respondent(survey_id, respondent_id)
    responses = {(i, respondent_id) for i in await repo.integrations_of_survey(survey_id)}
    counts = await _erase(repo, sessions, responses)
    digest = subject_digest(secret, "respondent", survey_id, respondent_id)
    await _audit(repo, "respondent", digest, requested_by, counts)
    return counts


async def delete_older_than(db: AsyncSession, cutoff: dt.datetime) -> dict[str, int]:
    """The retention: what expired (sessions) or was made (responses, jobs) before ``cutoff``."""
    repo = PrivacyRepository(db)
    counts = await repo.delete_older_than(cutoff)
    if any(counts.values()):
        await _audit(repo, "retention", None, "retention", counts)
    return counts
