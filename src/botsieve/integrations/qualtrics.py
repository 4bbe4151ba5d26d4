"""Qualtrics' documented protocols: event subscriptions, the Responses API, embedded data.

- Event subscriptions POST ``application/x-www-form-urlencoded`` with ``Topic`` (brand-prefixed,
  e.g. ``acme.surveyengine.completedResponse.SV_x``), ``MSG`` (a JSON string) and, when the
  subscription has a ``sharedKey``, ``HMAC``: the hex HMAC-SHA512 of ``MSG`` under that key.
- ``GET /API/v3/surveys/{surveyId}/responses/{responseId}`` with ``X-API-TOKEN`` returns
  ``{"result": {"responseId": ..., "values": {...}, "labels": {...}, ...}, "meta": {...}}``.
- ``PUT /API/v3/responses/{responseId}`` with ``{"surveyId", "resetRecordedDate", "embeddedData"}``
  sets embedded data; Qualtrics wants every value as a string.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx
import orjson

from botsieve.integrations.quality import Answers
from botsieve.kit.errors import BadRequest, Unauthorized

COMPLETED_TOPIC = "surveyengine.completedResponse."
SESSION_FIELDS = ("botsieve_session", "__js_botsieve_session")
# Qualtrics' own fraud fields (when the survey has them switched on), read as extra evidence.
RECAPTCHA = "Q_RecaptchaScore"
DUPLICATE = "Q_DuplicateRespondent"
BALLOT_BOX = "Q_BallotBoxStuffing"
RECAPTCHA_BOT_BELOW = 0.5
_GRID_ITEM = re.compile(r"^(QID\d+(?:#\d+)?)_(\d+)$")
_OPEN_TEXT = re.compile(r"^(QID\d+(?:_\d+)?)_TEXT$")
_QUESTION = re.compile(r"^QID\d+$")


@dataclass(frozen=True)
class CompletedEvent:
    survey_id: str
    response_id: str
    status: str
    completed_date: str
    brand_id: str


def parse_form(body: bytes) -> dict[str, str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The event body is not UTF-8.") from None
    fields: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key in fields:
            raise BadRequest(f"The form field {key!r} appears twice.")
        fields[key] = value
    return fields


def sign(shared_key: str, msg: str) -> str:
    return hmac.new(shared_key.encode(), msg.encode(), hashlib.sha512).hexdigest()


def verify_hmac(keys: list[str], msg: str, presented: str | None) -> None:
    """Constant-time check of ``HMAC`` against every valid key (two during a rotation)."""
    if not keys:
        return
    if not presented:
        raise Unauthorized("This subscription is signed: the HMAC field is missing.")
    # Bytes, not str: compare_digest refuses a str that is not ASCII (a TypeError, a 500).
    given = presented.strip().lower().encode("utf-8", "surrogatepass")
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(sign(key, msg).encode(), given)
    if not matched:
        raise Unauthorized("The HMAC does not match the message under the shared key.")


def parse_completed_event(fields: dict[str, str], survey_id: str) -> CompletedEvent:
    topic = fields.get("Topic", "")
    expected = COMPLETED_TOPIC + survey_id
    # The topic carries the brand as a prefix ("brand.surveyengine..."): match the suffix.
    if not (topic == expected or topic.endswith("." + expected)):
        raise BadRequest(f"Topic {topic!r} is not {expected!r} (with any brand prefix).")
    if "MSG" not in fields:
        raise BadRequest("The event has no MSG field.")
    try:
        msg = orjson.loads(fields["MSG"])
    except orjson.JSONDecodeError:
        raise BadRequest("MSG is not valid JSON.") from None
    if not isinstance(msg, dict):
        raise BadRequest("MSG must be a JSON object.")
    response_id = msg.get("ResponseID")
    if not isinstance(response_id, str) or not 0 < len(response_id) <= 128:
        raise BadRequest("MSG.ResponseID must be a string of 1 to 128 characters.")
    if "\x00" in response_id:
        raise BadRequest("MSG.ResponseID must not contain NUL characters.")
    if msg.get("SurveyID") not in (None, survey_id):
        raise BadRequest(f"MSG.SurveyID is {msg.get('SurveyID')!r}, not {survey_id!r}.")
    return CompletedEvent(
        survey_id=survey_id,
        response_id=response_id,
        status=str(msg.get("Status", "")),
        completed_date=str(msg.get("CompletedDate", "")),
        brand_id=str(msg.get("BrandID", "")),
    )


# ---- the Responses API -------------------------------------------------------------------


class PlatformError(Exception):
    """A call out failed; ``retry`` says whether trying again later may succeed."""

    def __init__(self, message: str, *, status_code: int | None = None, retry: bool = True):
        super().__init__(message)
        self.status_code = status_code
        self.retry = retry


def _check(response: httpx.Response, what: str) -> dict[str, Any]:
    if response.status_code >= 400:
        # 4xx other than 408/429 will not get better by retrying (bad token, unknown response).
        retry = response.status_code >= 500 or response.status_code in (408, 429)
        raise PlatformError(
            f"{what}: HTTP {response.status_code} {response.text[:200]}",
            status_code=response.status_code,
            retry=retry,
        )
    try:
        doc = response.json() if response.content else {}
    except ValueError:
        raise PlatformError(f"{what}: the reply is not JSON", retry=True) from None
    return doc if isinstance(doc, dict) else {}


async def fetch_response(
    client: httpx.AsyncClient, base_url: str, api_token: str, survey_id: str, response_id: str
) -> dict[str, Any]:
    url = f"{base_url.rstrip('/')}/API/v3/surveys/{quote(survey_id)}/responses/{quote(response_id)}"
    reply = await client.get(url, headers={"X-API-TOKEN": api_token, "Accept": "application/json"})
    result = _check(reply, "GET response").get("result")
    if not isinstance(result, dict):
        raise PlatformError("GET response: no result object", retry=False)
    return result


async def write_embedded_data(
    client: httpx.AsyncClient,
    base_url: str,
    api_token: str,
    survey_id: str,
    response_id: str,
    embedded: dict[str, str],
) -> None:
    url = f"{base_url.rstrip('/')}/API/v3/responses/{quote(response_id)}"
    body = {"surveyId": survey_id, "resetRecordedDate": False, "embeddedData": embedded}
    reply = await client.put(
        url,
        content=orjson.dumps(body),
        headers={"X-API-TOKEN": api_token, "Content-Type": "application/json"},
    )
    _check(reply, "PUT embedded data")


# ---- reading a response ------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def session_id_of(values: dict[str, Any]) -> str | None:
    for name in SESSION_FIELDS:
        value = values.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def answers_of(result: dict[str, Any]) -> Answers:
    """Closed answers, grids and open text from a response's ``values`` and ``labels``."""
    values: dict[str, Any] = result.get("values") or {}
    labels: dict[str, Any] = result.get("labels") or {}
    answers = Answers(duration_s=_number(values.get("duration")))
    for key, value in values.items():
        if (m := _OPEN_TEXT.match(key)) and isinstance(value, str):
            answers.open[m.group(1)] = value
            continue
        number = _number(value)
        if (m := _GRID_ITEM.match(key)) and number is not None:
            answers.items[key] = number
            answers.grids.setdefault(m.group(1), []).append(key)
        elif _QUESTION.match(key) and number is not None:
            answers.items[key] = number
        if _QUESTION.match(key) or _GRID_ITEM.match(key):
            label = labels.get(key)
            answers.choices[key] = str(label if label is not None else value)
    for grid, keys in answers.grids.items():
        answers.grids[grid] = sorted(keys, key=lambda k: int(k.rsplit("_", 1)[1]))
    return answers


def qualtrics_evidence(values: dict[str, Any]) -> list[str]:
    """Flags from Qualtrics' own fraud fields, where the survey records them."""
    flags = []
    recaptcha = _number(values.get(RECAPTCHA))
    if recaptcha is not None and recaptcha < RECAPTCHA_BOT_BELOW:
        flags.append("q_recaptcha_low")
    if str(values.get(DUPLICATE, "")).lower() in ("true", "1"):
        flags.append("q_duplicate")
    if str(values.get(BALLOT_BOX, "")).lower() in ("true", "1"):
        flags.append("q_ballot_box")
    return flags
