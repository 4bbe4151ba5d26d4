"""The check at entry: after the first page, screen out, review or let through.

Asked by the platform's flow early in the survey (a Web Service element after the first
block, a Decipher logic node after the first page), on the environment record and the first
behaviour. Nothing is stored as the response's verdict (that is made at the end); the session
is bound to the response, so a session pasted into a second response is caught here already.

``decision``:
- ``block``: a bot verdict, or a session that is another response's; screen out now.
- ``pass``: a human verdict.
- ``review``: inside the survey rule's review band, or not enough evidence yet (or none); let
  through, flagged. With the integration's
  ``config.fail_mode`` = ``"closed"`` these are ``block`` instead.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations import scoring
from botsieve.integrations.schemas import EntryReply
from botsieve.kit.state import AppState
from botsieve.models import Integration

Decision = Literal["block", "review", "pass"]


def fail_mode(integration: Integration) -> str:
    return "closed" if (integration.config or {}).get("fail_mode") == "closed" else "open"


def decide(verdict: scoring.Verdict, mode: str) -> Decision:
    if verdict.status == scoring.SESSION_REUSED:
        return "block"
    if verdict.status == scoring.OK and verdict.result is not None:
        # The rule's review band is told as review: let through, flagged.
        if scoring.decision_of(verdict.result) == "bot":
            return "block"
        return "review" if getattr(verdict.result, "decision", None) == "review" else "pass"
    return "block" if mode == "closed" else "review"


async def entry_check(
    db: AsyncSession,
    state: AppState,
    integration: Integration,
    response_id: str,
    session_id: str | None,
) -> EntryReply:
    verdict = await scoring.verdict_for(
        db, state, integration, response_id, session_id, finish=False
    )
    return reply_of(verdict, integration, response_id)


def reply_of(verdict: scoring.Verdict, integration: Integration, response_id: str) -> EntryReply:
    values = scoring.values_of(verdict, [])
    return EntryReply(
        decision=decide(verdict, fail_mode(integration)),
        status=verdict.status,
        score="" if values["score"] is None else f"{values['score']:.3f}",
        verdict=values["verdict"],
        risk=values["risk"],
        flags=";".join(values["flags"]),
        response_id=response_id,
    )
