"""Decipher's REST API (Forsta Surveys), as documented: reading a respondent, editing the data.

- Every call carries the 64-character API key in the ``x-apikey`` header; the base URL is the
  company's host (``https://<company>.decipherinc.com``) and paths start with ``/api/v1/``.
- ``GET /api/v1/surveys/{survey}/data?format=json&cond=...`` returns a JSON array of records
  (``uuid``, ``status``, ``qtime``, ``markers``, then one key per variable); ``cond`` is a
  survey-logic condition, here ``uuid == "..."``.
- ``GET /api/v1/surveys/{survey}/datamap?format=json`` describes the questions (``qlabel``,
  ``type``, ``variables`` with ``label``, ``row``, ``values``).
- ``PUT /api/v1/surveys/{survey}/data/edit`` with ``{"key": "uuid", "data": [{...}]}`` modifies
  existing records ("Modifying Data"); the reply's ``stats`` say what happened (``unseen``:
  rows matching no record; ``fieldsErronous`` and ``bad``: values refused). An unknown
  variable is a 400 ``bad variable <name>``.
- Errors are JSON ``{"$error": "<message>", "$code": <status>}``: 401 bad key, 402 over the
  monthly allowance, 403 no access to the survey, 404 no such survey, 428 survey hibernated,
  429 too many concurrent calls.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from botsieve.integrations.quality import Answers
from botsieve.integrations.qualtrics import PlatformError

KEY_VARIABLE = "uuid"
# The hidden variables the guide declares; an integration may rename them (config.variables).
VARIABLES = {
    "status": "hBotStatus",
    "score": "hBotScore",
    "verdict": "hBotVerdict",
    "risk": "hBotRisk",
    "flags": "hBotFlags",
    "quality": "hBotQuality",
    "quality_flags": "hBotQualityFlags",
    "label": "hBotLabel",
    "exclude": "hBotExclude",
    # Written only with config.write_decision: a survey that does not declare it would refuse
    # the whole edit ("bad variable").
    "decision": "hBotDecision",
}
# A respondent id that can be put in a ``cond`` without quoting: Decipher's uuids are short
# lowercase alphanumerics. Anything else is never sent (the condition is evaluated as code).
SAFE_UUID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Retrying helps with these; any other 4xx needs someone to fix the key, the survey or its state.
RETRYABLE = frozenset((408, 429))
_NUMBER_TYPES = frozenset(("number", "float"))
_TEXT_TYPES = frozenset(("text", "textarea"))


def variables_of(config: dict[str, Any] | None) -> dict[str, str]:
    names = (config or {}).get("variables")
    overrides = (
        {k: v for k, v in names.items() if isinstance(v, str)} if isinstance(names, dict) else {}
    )
    return {k: overrides.get(k, v) for k, v in VARIABLES.items()}


def _survey_url(base_url: str, survey: str, tail: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/surveys/{quote(survey.strip('/'), safe='/')}/{tail}"


def _headers(api_key: str) -> dict[str, str]:
    return {"x-apikey": api_key, "Accept": "application/json"}


def _check(reply: httpx.Response, what: str) -> Any:
    if reply.status_code >= 400:
        try:
            doc = reply.json()
            message = doc.get("$error") if isinstance(doc, dict) else None
        except ValueError:
            message = None
        code = reply.status_code
        hint = " (reactivate the hibernated survey)" if code == 428 else ""
        raise PlatformError(
            f"{what}: HTTP {code} {message or reply.text[:200]}{hint}",
            status_code=code,
            retry=code >= 500 or code in RETRYABLE,
        )
    try:
        return reply.json()
    except ValueError:
        raise PlatformError(f"{what}: the reply is not JSON", retry=True) from None


async def fetch_record(
    client: httpx.AsyncClient, base_url: str, api_key: str, survey: str, respondent: str
) -> dict[str, Any]:
    """The respondent's record; a respondent not in the data yet is worth asking again."""
    if not SAFE_UUID.match(respondent):
        raise PlatformError(f"uuid {respondent!r} cannot be looked up safely", retry=False)
    reply = await client.get(
        _survey_url(base_url, survey, "data"),
        params={"format": "json", "cond": f'{KEY_VARIABLE} == "{respondent}"'},
        headers=_headers(api_key),
    )
    records = _check(reply, "GET data")
    if not isinstance(records, list):
        raise PlatformError("GET data: not a JSON array", retry=False)
    for record in records:
        if isinstance(record, dict) and record.get(KEY_VARIABLE) == respondent:
            return record
    raise PlatformError(f"GET data: uuid {respondent} is not in the data yet", retry=True)


async def fetch_datamap(
    client: httpx.AsyncClient, base_url: str, api_key: str, survey: str
) -> dict[str, Any]:
    reply = await client.get(
        _survey_url(base_url, survey, "datamap"),
        params={"format": "json"},
        headers=_headers(api_key),
    )
    doc = _check(reply, "GET datamap")
    return doc if isinstance(doc, dict) else {}


async def edit_record(
    client: httpx.AsyncClient,
    base_url: str,
    api_key: str,
    survey: str,
    respondent: str,
    values: dict[str, str],
) -> dict[str, Any]:
    """Set variables of one existing record (matched on ``uuid``); return the reply's stats."""
    body = {"key": KEY_VARIABLE, "data": [{KEY_VARIABLE: respondent, **values}]}
    reply = await client.put(
        _survey_url(base_url, survey, "data/edit"),
        content=orjson.dumps(body),
        headers={**_headers(api_key), "Content-Type": "application/json"},
    )
    doc = _check(reply, "PUT data/edit")
    stats = doc.get("stats") if isinstance(doc, dict) else None
    if not isinstance(stats, dict):
        raise PlatformError("PUT data/edit: the reply has no stats", retry=True)
    if stats.get("fieldsErronous") or stats.get("bad"):
        raise PlatformError(
            f"PUT data/edit: values refused: {str(stats.get('bad'))[:300]}", retry=False
        )
    if stats.get("unseen"):
        raise PlatformError(f"PUT data/edit: uuid {respondent} matched no record", retry=True)
    return stats


# ---- reading a record --------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _label(variable: dict[str, Any], value: Any) -> str:
    for choice in variable.get("values") or []:
        if isinstance(choice, dict) and _number(choice.get("value")) == _number(value):
            return str(choice.get("title", value))
    return str(value)


def answers_of(record: dict[str, Any], datamap: dict[str, Any], ours: set[str]) -> Answers:
    """Closed answers, grids (single-choice questions with several rows) and open text.

    ``ours`` are the variables botsieve writes, never read back as answers.
    """
    answers = Answers(duration_s=_number(record.get("qtime")))
    for question in datamap.get("questions") or []:
        if not isinstance(question, dict):
            continue
        qlabel = str(question.get("qlabel", ""))
        variables = [
            v
            for v in question.get("variables") or []
            if isinstance(v, dict) and v.get("label") and v.get("label") not in ours
        ]
        kind = str(question.get("type", ""))
        if kind in _TEXT_TYPES:
            for v in variables:
                text = record.get(v["label"])
                if isinstance(text, str):
                    answers.open[v["label"]] = text
            continue
        if kind != "single" and kind not in _NUMBER_TYPES:
            continue  # multiple-choice boxes are 0/1, not a scale
        rows = []
        for v in variables:
            value = _number(record.get(v["label"]))
            if value is None:
                continue
            answers.items[v["label"]] = value
            answers.choices[v["label"]] = _label(v, record.get(v["label"]))
            rows.append(v["label"])
        if kind == "single" and len(variables) > 1 and rows:
            answers.grids[qlabel] = rows
    return answers
