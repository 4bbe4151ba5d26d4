"""Panel redirects: where a respondent's browser goes at the end, with the panel's parameters.

An integration's ``config.redirects`` names up to three addresses, the panel's own:
``complete``, ``screenout`` and ``quality`` (the quality termination). The survey ends by
sending the respondent to ``{redirect_path}/{outcome}?rid=...`` (``redirect_path`` is shown with
the integration: its id and a token derived from the integration's secrets, so that a stranger
cannot ask which exit a response id gets); botsieve
answers with a redirect to that address, ``{name}`` placeholders in its path or query filled
with the query parameters of the same name (percent-encoded), and every other parameter
passed through. ``auto`` lets botsieve choose from the response's stored verdict
(``response_id`` names it): a response to exclude goes to ``quality``, a borrowed session too,
one without a verdict to ``complete`` (fail open, flagged in the data) or ``screenout`` (the
integration's ``fail_mode`` is ``closed``). The choice is made on the server, so a bot cannot
pick its own exit, and the addresses are fixed by an admin, so nothing here redirects to a
host a link chose.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.integrations import entry, scoring
from botsieve.integrations.export import should_exclude
from botsieve.integrations.repository import ResponseRepository
from botsieve.kit.errors import BadRequest, NotFound
from botsieve.models import Integration, Session

OUTCOMES = ("complete", "screenout", "quality")
MAX_URL = 2000
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]{1,64})\}")
# Our own parameter: which response ``auto`` decides for; never passed on to the panel.
RESPONSE_PARAM = "response_id"


def token_of(row: Integration) -> str:
    """Stable for the integration's life (the hook hash never changes), unguessable without it."""
    mac = hmac.new(row.hook_hash.encode(), b"redirect:" + str(row.id).encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def path_of(row: Integration) -> str:
    return f"/api/v1/integrations/{row.id}/redirect/{token_of(row)}"


def check_token(row: Integration | None, token: str) -> Integration:
    if (
        row is None
        or not row.active
        or not hmac.compare_digest(token_of(row).encode(), token.encode("utf-8", "surrogatepass"))
    ):
        raise NotFound("No such redirect.")
    return row


def validate(config: dict[str, Any]) -> None:
    """Refuse redirect settings that could not work or could send respondents anywhere."""
    redirects = config.get("redirects")
    if redirects is None:
        return
    if not isinstance(redirects, dict):
        raise BadRequest("config.redirects must be an object of complete/screenout/quality URLs.")
    for outcome, url in redirects.items():
        if outcome not in OUTCOMES:
            raise BadRequest(f"config.redirects.{outcome}: the outcomes are {', '.join(OUTCOMES)}.")
        if not isinstance(url, str) or len(url) > MAX_URL:
            raise BadRequest(f"config.redirects.{outcome} must be a URL of at most {MAX_URL}.")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadRequest(f"config.redirects.{outcome} must be an absolute http(s) URL.")
        if "{" in parts.netloc or "}" in parts.netloc:
            raise BadRequest(f"config.redirects.{outcome}: placeholders only in path and query.")


def target(template: str, params: list[tuple[str, str]]) -> str:
    """The panel's URL with placeholders filled and the remaining parameters passed through."""
    values = dict(params)
    used: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        used.add(match.group(1))
        return quote(values.get(match.group(1), ""), safe="")

    parts = urlsplit(template)
    path = _PLACEHOLDER.sub(fill, parts.path)
    query = _PLACEHOLDER.sub(fill, parts.query)
    rest = [(k, v) for k, v in params if k not in used and k != RESPONSE_PARAM]
    if rest:
        query = f"{query}&{urlencode(rest)}" if query else urlencode(rest)
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


async def outcome_for(db: AsyncSession, integration: Integration, response_id: str | None) -> str:
    """``auto``: the exit the response's stored verdict (or the fail mode) calls for."""
    row = await ResponseRepository(db).get(integration.id, response_id) if response_id else None
    if row is not None and row.status == scoring.SESSION_REUSED:
        return "quality"
    if row is None or row.status != scoring.OK:
        return "screenout" if entry.fail_mode(integration) == "closed" else "complete"
    session = await db.get(Session, row.session_id) if row.session_id else None
    label = session.label if session is not None else None
    decision = session.decision if session is not None else None
    return "quality" if should_exclude(row, label, decision) else "complete"


async def redirect_url(db: AsyncSession, integration: Integration, outcome: str, query: str) -> str:
    params = parse_qsl(query, keep_blank_values=True)
    if outcome == "auto":
        outcome = await outcome_for(db, integration, dict(params).get(RESPONSE_PARAM))
    if outcome not in OUTCOMES:
        raise NotFound(f"No outcome {outcome!r}: use complete, screenout, quality or auto.")
    template = ((integration.config or {}).get("redirects") or {}).get(outcome)
    if not isinstance(template, str):
        raise NotFound(f"This integration has no {outcome!r} redirect (config.redirects).")
    return target(template, params)
