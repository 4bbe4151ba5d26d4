"""Figures and lists for the dashboard, from the rollups and the sessions table."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Literal

import numpy as np
import orjson
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.analysis.service import result_history
from botsieve.dashboard.repository import DashboardRepository
from botsieve.dashboard.rollups import RISK_COLUMNS, hour_of
from botsieve.dashboard.schemas import (
    QUALITY_FLAGS,
    EventSummary,
    GroupFigures,
    Overview,
    PlatformResponse,
    SeriesPoint,
    SessionDetails,
    SessionEvents,
    SessionPage,
    SessionRow,
    SurveyFigures,
    SurveyList,
    SurveyRow,
    Totals,
)
from botsieve.decisions import service as decisions
from botsieve.decisions.rule import DECISIONS, INSUFFICIENT
from botsieve.integrations.repository import ResponseRepository
from botsieve.kit.errors import BadRequest, NotFound
from botsieve.models import Session
from botsieve.models.base import as_utc, utcnow
from botsieve.review.repository import ReviewRepository
from botsieve.sessions import codec
from botsieve.sessions.repository import SessionRepository
from botsieve.sessions.service import get_session, status_of

HIGH_RISK = ("critical", "high")
COUNTERS = ("sessions", "analyzed", "bots", "events")
MAX_BUCKETS = 1500


def _rate(bots: int, analyzed: int) -> float:
    return round(bots / analyzed, 4) if analyzed else 0.0


def _groups(rows: list[Row[Any]]) -> list[GroupFigures]:
    ordered = sorted(rows, key=lambda r: -r.sessions)[:50]
    return [
        GroupFigures(
            key=r.key,
            sessions=r.sessions,
            analyzed=r.analyzed,
            bots=r.bots,
            bot_rate=_rate(r.bots, r.analyzed),
        )
        for r in ordered
    ]


def row_of(session: Session) -> SessionRow:
    return SessionRow(
        session_id=session.id,
        created_at=session.created_at,
        survey_id=session.survey_id,
        platform=session.platform,
        respondent_id=session.respondent_id,
        status=session.status,
        event_count=session.event_count,
        is_bot=session.is_bot,
        decision=session.decision,  # type: ignore[arg-type]
        verdict=session.verdict,
        bot_probability=session.bot_probability,
        risk_level=session.risk_level,
        quality_flags=flags_of(session),
        label=session.label,
    )


def flags_of(session: Session) -> list[str]:
    return (session.quality_flags or "").split()


async def overview(
    db: AsyncSession,
    since: dt.datetime | None,
    until: dt.datetime | None,
    survey_id: str | None,
    platform: str | None,
) -> Overview:
    now = utcnow()
    # A time given without an offset is taken as UTC, as everywhere else in the API.
    until = as_utc(until) if until else now
    since = as_utc(since) if since else until - dt.timedelta(days=7)
    if since >= until:
        raise BadRequest("'since' must be before 'until'.")
    repo = DashboardRepository(db)
    scope = (hour_of(since), until, survey_id, platform)
    hourly = await repo.rollup_sums("bucket", *scope)
    granularity: Literal["hour", "day"] = "hour" if until - since <= dt.timedelta(days=7) else "day"
    series: dict[dt.datetime, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    totals = dict.fromkeys(COUNTERS, 0)
    risks = dict.fromkeys(RISK_COLUMNS, 0)
    for r in hourly:
        bucket = hour_of(as_utc(r.key))
        point = series[bucket if granularity == "hour" else bucket.replace(hour=0)]
        for i, name in enumerate(COUNTERS):
            point[i] += getattr(r, name)
            totals[name] += getattr(r, name)
        for risk, column in RISK_COLUMNS.items():
            risks[risk] += getattr(r, column)
    this_hour = hour_of(now)
    recent_events = sum(r.events for r in hourly if hour_of(as_utc(r.key)) == this_hour)
    elapsed = max(1.0, (now - this_hour).total_seconds())
    high_risk: list[Session] = []
    for risk in HIGH_RISK:
        high_risk += await repo.latest_with_risk(risk, 10, survey_id, platform)
    high_risk.sort(key=lambda s: s.created_at, reverse=True)
    decided = await repo.decisions_created(
        ("review", INSUFFICIENT), since, until, survey_id, platform
    )
    return Overview(
        since=since,
        until=until,
        granularity=granularity,
        totals=Totals(
            **totals,
            bot_rate=_rate(totals["bots"], totals["analyzed"]),
            in_review=decided.get("review", 0),
            insufficient_evidence=decided.get(INSUFFICIENT, 0),
            events_per_second=round(recent_events / elapsed, 3),
        ),
        risk_distribution=risks,
        time_series=[
            SeriesPoint(bucket=b, **dict(zip(COUNTERS, series[b], strict=True)))
            for b in _buckets(since, until, granularity, first=min(series, default=None))
        ],
        by_survey=_groups(await repo.rollup_sums("survey_id", *scope)),
        by_platform=_groups(await repo.rollup_sums("platform", *scope)),
        latest_high_risk=[row_of(s) for s in high_risk[:10]],
    )


async def surveys(db: AsyncSession) -> SurveyList:
    rows = await DashboardRepository(db).surveys(limit=500)
    return SurveyList(
        items=[
            SurveyRow(
                survey_id=r.survey_id,
                sessions=r.sessions,
                analyzed=r.analyzed,
                excluded=r.excluded,
                exclusion_rate=_rate(r.excluded, r.analyzed),
                last_session_at=as_utc(r.last_session_at),
            )
            for r in rows
        ]
    )


async def survey(db: AsyncSession, survey_id: str, model_threshold: float) -> SurveyFigures:
    """A survey's counts, exclusion rate, decisions, reviews, quality flags and its rule."""
    repo = DashboardRepository(db)
    figures = await repo.survey_figures(survey_id, QUALITY_FLAGS)
    if not figures["sessions"]:
        raise NotFound(f"No sessions of survey {survey_id}.")
    review = dict.fromkeys(("pending", "confirmed_bot", "dismissed"), 0)
    review.update(await ReviewRepository(db).counts(survey_id))
    first, last = figures["first_session_at"], figures["last_session_at"]
    return SurveyFigures(
        survey_id=survey_id,
        sessions=figures["sessions"],
        analyzed=figures["analyzed"],
        unanalyzed=figures["sessions"] - figures["analyzed"],
        decisions={d: int(figures[d]) for d in DECISIONS},
        exclusion_rate=_rate(int(figures["exclude"]), figures["analyzed"]),
        review=review,
        quality_flags={f: int(figures[f"flag:{f}"]) for f in QUALITY_FLAGS},
        with_quality_flags=int(figures["flag:any"]),
        labels={lb: int(figures[f"label:{lb}"]) for lb in ("human", "bot")},
        platforms=await repo.survey_platforms(survey_id),
        scored_responses=await repo.scored_responses(survey_id),
        first_session_at=as_utc(first) if first else None,
        last_session_at=as_utc(last) if last else None,
        rule=await decisions.rule_for(db, survey_id, model_threshold),
    )


def _buckets(
    since: dt.datetime,
    until: dt.datetime,
    granularity: Literal["hour", "day"],
    first: dt.datetime | None,
) -> list[dt.datetime]:
    """Every hour (or day) of the range, so a chart of one busy hour is a line along the
    period with its peak, not a single dot. A range of decades starts at its first data."""
    start = hour_of(since)
    step = dt.timedelta(hours=1)
    if granularity == "day":
        start, step = start.replace(hour=0), dt.timedelta(days=1)
    if (until - start) / step > MAX_BUCKETS:
        start = max(start, first or until - step)
    buckets = []
    while start < until:
        buckets.append(start)
        start += step
    return buckets


def encode_cursor(session: Session) -> str:
    raw = orjson.dumps([session.created_at.isoformat(), str(session.id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, sid = orjson.loads(base64.urlsafe_b64decode(padded))
        return dt.datetime.fromisoformat(created), uuid.UUID(sid)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise BadRequest("The cursor is not one this API gave out.") from None


async def list_sessions(
    db: AsyncSession, filters: dict[str, Any], cursor: str | None, limit: int
) -> SessionPage:
    after = decode_cursor(cursor) if cursor else None
    sessions = await DashboardRepository(db).page(filters, after, limit + 1)
    more = len(sessions) > limit
    sessions = sessions[:limit]
    return SessionPage(
        items=[row_of(s) for s in sessions],
        next_cursor=encode_cursor(sessions[-1]) if more and sessions else None,
    )


async def _decoded(db: AsyncSession, session_id: uuid.UUID) -> codec.DecodedEvents:
    return codec.decode_session(await SessionRepository(db).event_rows(session_id))


def _summary(decoded: codec.DecodedEvents) -> EventSummary:
    by_type = {k: len(v["t"]) for k, v in decoded.events.items()}
    times = [v["t"] for v in decoded.events.values() if len(v["t"])]
    first = float(min(t[0] for t in times)) if times else None
    last = float(max(t[-1] for t in times)) if times else None
    pages = []
    page = decoded.events.get("page")
    marks = decoded.labels.get("mark", ())
    if page is not None:
        for t, mark, phase in zip(page["t"], page["mark"], page["phase"], strict=True):
            pages.append(
                {
                    "t": float(t),
                    "mark": marks[mark] if 0 <= mark < len(marks) else None,
                    "phase": ("shown", "submitted")[int(phase)],
                }
            )
    return EventSummary(
        total=sum(by_type.values()),
        by_type=by_type,
        first_t=first,
        last_t=last,
        duration_ms=(last - first) if first is not None and last is not None else None,
        pages=pages,
    )


async def details(
    db: AsyncSession, session_id: uuid.UUID, model_threshold: float
) -> SessionDetails:
    session = await get_session(db, session_id)
    return SessionDetails(
        session=status_of(session),
        decision=session.decision,  # type: ignore[arg-type]
        decision_rule=await decisions.rule_for(db, session.survey_id, model_threshold),
        environment=session.environment or {},
        metadata=session.session_metadata or {},
        events=_summary(await _decoded(db, session_id)),
        results=await result_history(db, session_id, model_threshold),
        responses=await _responses(db, session_id),
    )


async def _responses(db: AsyncSession, session_id: uuid.UUID) -> list[PlatformResponse]:
    rows = await ResponseRepository(db).by_session(session_id)
    rows.sort(key=lambda pair: pair[0].id)
    return [
        PlatformResponse(
            response_id=scored.response_id,
            platform=integration.platform,
            integration_name=integration.name,
            status=scored.status,
        )
        for scored, integration in rows
    ]


def _jsonable(values: np.ndarray) -> list[Any]:
    if values.dtype.kind == "f":
        return [None if np.isnan(v) else float(v) for v in values]
    return values.tolist()


async def events(db: AsyncSession, session_id: uuid.UUID) -> SessionEvents:
    await get_session(db, session_id)
    decoded = await _decoded(db, session_id)
    return SessionEvents(
        events={
            kind: {field: _jsonable(v) for field, v in cols.items()}
            for kind, cols in decoded.events.items()
        },
        labels={k: list(v) for k, v in decoded.labels.items()},
    )


EXPORT_COLUMNS = (
    "session_id",
    "created_at",
    "survey_id",
    "platform",
    "respondent_id",
    "status",
    "event_count",
    "bot_probability",
    "risk_level",
    "quality_flags",
    "verdict",
    "decision",
    "review_state",
    "label",
)
EXPORT_BATCH = 1000


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def export_csv(db: AsyncSession, filters: dict[str, Any]) -> AsyncIterator[str]:
    """The filtered session list as CSV, newest first, read in batches (any length)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    repo = DashboardRepository(db)
    after: tuple[dt.datetime, Any] | None = None
    while True:
        batch = await repo.page(filters, after, EXPORT_BATCH)
        for s in batch:
            p = "" if s.bot_probability is None else f"{s.bot_probability:.4f}"
            writer.writerow(
                [
                    str(s.id),
                    as_utc(s.created_at).isoformat(),
                    _cell(s.survey_id),
                    s.platform,
                    _cell(s.respondent_id),
                    s.status,
                    s.event_count,
                    p,
                    s.risk_level or "",
                    " ".join(flags_of(s)),
                    s.verdict or "",
                    s.decision or "",
                    s.review_state or "",
                    s.label or "",
                ]
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(batch) < EXPORT_BATCH:
            return
        after = (batch[-1].created_at, batch[-1].id)
