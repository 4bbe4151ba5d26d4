"""Reconciliation: every scored response of a survey, as CSV or JSON Lines, page by page.

One row per platform response (Qualtrics ResponseID, Decipher uuid), joined to its collector
session: what the researcher matches against the platform's own export to decide which
responses to drop. ``exclude`` comes from one function, ``should_exclude``, so that a survey's
own decision rule can take its place.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations.repository import ResponseRepository
from botsieve.integrations.scoring import INSUFFICIENT_EVIDENCE, OK, verdict_told
from botsieve.kit.errors import BadRequest
from botsieve.models import ScoredResponse, Session

Format = Literal["csv", "jsonl"]
COLUMNS = (
    "response_id",
    "respondent_id",
    "session_id",
    "platform",
    "status",
    "verdict",
    "decision",
    "probability",
    "risk",
    "reasons",
    "quality_score",
    "quality_flags",
    "label",
    "exclude",
    "scored_at",
)
MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Page:
    body: bytes
    media_type: str
    next_cursor: str | None


def should_exclude(row: ScoredResponse, label: str | None, decision: str | None = None) -> bool:
    """Whether to drop the response: the survey's decision (``Session.decision``: the rule's
    threshold, its review band and a researcher's review decision included), else the verdict.
    The one place the decision is made for exports and write-backs.

    A label (human/bot) is training data and is exported beside the decision, but it does not
    exclude: the API, the dashboard and the platforms never count it, so the export does not
    either. To change a session's decision, review it (confirm as bot, or dismiss)."""
    del label  # kept in the signature: callers pass it, and it never decides
    if decision is not None:
        return decision == "exclude"
    return row.verdict == "bot"


def record(row: ScoredResponse, platform: str, session: Session | None) -> dict[str, Any]:
    label = session.label if session is not None else None
    decision = _decision(row, session)
    return {
        "response_id": row.response_id,
        "respondent_id": session.respondent_id if session is not None else None,
        "session_id": str(row.session_id) if row.session_id else None,
        "platform": platform,
        "status": row.status,
        "verdict": verdict_told(row, decision),
        "decision": decision or "unknown",
        "probability": row.score,
        "risk": row.risk,
        "reasons": list(row.flags or []),
        "quality_score": row.quality_score,
        "quality_flags": list(row.quality_flags or []),
        "label": label,
        "exclude": should_exclude(row, label, decision if decision != "unknown" else None),
        "scored_at": (row.updated_at or row.created_at).isoformat(),
    }


def _decision(row: ScoredResponse, session: Session | None) -> str:
    """As the live reply tells it (``scoring.decision_for``), from the session already read."""
    if row.status == INSUFFICIENT_EVIDENCE:
        return INSUFFICIENT_EVIDENCE
    if row.status != OK or session is None:
        return "unknown"
    return session.decision or "unknown"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _csv(records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in records:
        writer.writerow([_cell(r[c]) for c in COLUMNS])
    return out.getvalue().encode()


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _after(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 18:
        raise BadRequest("cursor must be the next_cursor of the previous page.")
    return int(cursor)


async def export_page(
    db: AsyncSession, survey_id: str, fmt: Format, cursor: str | None, limit: int
) -> Page:
    rows = await ResponseRepository(db).for_survey(survey_id, _after(cursor), limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    records = [record(scored, platform, session) for scored, platform, session in rows]
    body = _csv(records) if fmt == "csv" else _jsonl(records)
    next_cursor = str(rows[-1][0].id) if more and rows else None
    return Page(body, MEDIA[fmt], next_cursor)
