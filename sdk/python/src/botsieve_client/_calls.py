"""Every API operation as a ``Call``: what to send, what comes back, whether to retry.

``Client`` and ``AsyncClient`` only differ in how they send a ``Call``, so each operation is
described once, here.

Which calls are retried, and why it is safe:

- reads (GET) and deletes (DELETE): repeating them changes nothing more;
- event batches: the service stores a batch id once and acknowledges a repeat with
  ``duplicate: true``; the batch id is fixed before the first attempt;
- session creation: only with an ``idempotency_key``, since the service then answers a repeat
  with the session it already made; without one a retry could make a second session;
- analyze and complete: the verdict is a function of the stored events, so a repeat gives the
  same verdict; its only trace is one more identical entry in the session's result history.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from botsieve_client._constants import BATCH_ID_PREFIX
from botsieve_client._models import (
    AnalysisResult,
    DeletedCount,
    EventsAccepted,
    Overview,
    Platform,
    Readiness,
    RiskFilter,
    SessionCreated,
    SessionDetails,
    SessionEvents,
    SessionPage,
    SessionStatus,
    VerdictFilter,
)

T = TypeVar("T", bound=BaseModel)

SessionRef = SessionCreated | uuid.UUID | str
"""A session: its id, or what ``create_session`` returned."""

Event = Mapping[str, Any]
"""One event as in docs/events.md, e.g. ``{"type": "mousemove", "t": 12.5, "x": 3, "y": 4}``."""


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    path: str
    model: type[T]
    retryable: bool
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def new_batch_id() -> str:
    return BATCH_ID_PREFIX + uuid.uuid4().hex


def session_path(session: SessionRef, suffix: str = "", *, under: str = "/detection") -> str:
    """The path of a session's resource; the id is quoted so it cannot leave its segment."""
    session_id = session.session_id if isinstance(session, SessionCreated) else session
    return f"{under}/sessions/{quote(str(session_id), safe='')}{suffix}"


def _params(**values: Any) -> dict[str, str]:
    out = {}
    for name, value in values.items():
        if value is None:
            continue
        out[name] = value.isoformat() if isinstance(value, dt.datetime) else str(value)
    return out


# Sessions


def create_session(
    survey_id: str,
    *,
    platform: Platform | None,
    respondent_id: str | None,
    metadata: Mapping[str, Any] | None,
    environment: Mapping[str, Any] | None,
    idempotency_key: str | None,
) -> Call[SessionCreated]:
    body: dict[str, Any] = {"survey_id": survey_id}
    optional = {
        "platform": platform,
        "respondent_id": respondent_id,
        "metadata": dict(metadata) if metadata is not None else None,
        "environment": dict(environment) if environment is not None else None,
    }
    body.update({k: v for k, v in optional.items() if v is not None})
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    return Call(
        "POST",
        "/detection/sessions",
        SessionCreated,
        retryable=bool(idempotency_key),
        json=body,
        headers=headers,
    )


def session_status(session: SessionRef) -> Call[SessionStatus]:
    return Call("GET", session_path(session, "/status"), SessionStatus, retryable=True)


def ready_for_analysis(session: SessionRef) -> Call[Readiness]:
    return Call("GET", session_path(session, "/ready-for-analysis"), Readiness, retryable=True)


def delete_session(session: SessionRef) -> Call[DeletedCount]:
    return Call("DELETE", session_path(session), DeletedCount, retryable=True)


def delete_respondent(survey_id: str, respondent_id: str) -> Call[DeletedCount]:
    params = _params(survey_id=survey_id, respondent_id=respondent_id)
    return Call("DELETE", "/detection/respondents", DeletedCount, retryable=True, params=params)


# Events


def send_events(
    session: SessionRef,
    events: Sequence[Event],
    *,
    token: str | None,
    batch_id: str | None,
) -> Call[EventsAccepted]:
    if token is None and isinstance(session, SessionCreated):
        token = session.token
    body = {"batch_id": batch_id or new_batch_id(), "events": [dict(e) for e in events]}
    headers = {"X-Session-Token": token} if token else {}
    return Call(
        "POST",
        session_path(session, "/events"),
        EventsAccepted,
        retryable=True,
        json=body,
        headers=headers,
    )


# Analysis


def analyze(session: SessionRef) -> Call[AnalysisResult]:
    return Call("POST", session_path(session, "/analyze"), AnalysisResult, retryable=True)


def complete(session: SessionRef) -> Call[AnalysisResult]:
    return Call("POST", session_path(session, "/complete"), AnalysisResult, retryable=True)


def latest_result(session: SessionRef) -> Call[AnalysisResult]:
    return Call("GET", session_path(session, "/result"), AnalysisResult, retryable=True)


# Dashboard


def overview(
    *,
    since: dt.datetime | None,
    until: dt.datetime | None,
    survey_id: str | None,
    platform: Platform | None,
) -> Call[Overview]:
    params = _params(since=since, until=until, survey_id=survey_id, platform=platform)
    return Call("GET", "/dashboard/overview", Overview, retryable=True, params=params)


def list_sessions(
    *,
    since: dt.datetime | None,
    until: dt.datetime | None,
    survey_id: str | None,
    platform: Platform | None,
    verdict: VerdictFilter | None,
    risk: RiskFilter | None,
    q: str | None,
    cursor: str | None,
    limit: int | None,
) -> Call[SessionPage]:
    params = _params(
        since=since,
        until=until,
        survey_id=survey_id,
        platform=platform,
        verdict=verdict,
        risk=risk,
        q=q,
        cursor=cursor,
        limit=limit,
    )
    return Call("GET", "/dashboard/sessions", SessionPage, retryable=True, params=params)


def session_details(session: SessionRef) -> Call[SessionDetails]:
    path = session_path(session, "/details", under="/dashboard")
    return Call("GET", path, SessionDetails, retryable=True)


def session_events(session: SessionRef) -> Call[SessionEvents]:
    path = session_path(session, "/events", under="/dashboard")
    return Call("GET", path, SessionEvents, retryable=True)
