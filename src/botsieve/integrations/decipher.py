"""Decipher (Forsta Plus): the call a ``<logic uses="api.1">`` node makes at the end of a survey.

The per-survey token travels in the body (older API nodes cannot set headers), or, where the
node sends headers, as ``Authorization: Bearer bs_it_...``; the body may be JSON or
form-encoded (``api:data``). Optionally the survey also signs the call:
``ts`` (unix seconds) and ``sig`` = hex HMAC-SHA256(shared key, f"{ts}.{survey}.{uuid}"), within
5 minutes, which keeps a leaked token from being replayed from elsewhere for long.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

import orjson

from botsieve.kit.errors import BadRequest, Unauthorized

TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class ScoreCall:
    token: str
    survey: str
    uuid: str
    session_id: str | None
    ts: str | None
    sig: str | None


def parse_call(content_type: str, body: bytes, bearer: str | None = None) -> ScoreCall:
    media = content_type.split(";")[0].strip().lower()
    fields: dict[str, object]
    try:
        if media == "application/x-www-form-urlencoded":
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif media in ("application/json", "text/plain", ""):
            doc = orjson.loads(body)
            if not isinstance(doc, dict):
                raise BadRequest("The body must be a JSON object.")
            fields = doc
        else:
            raise BadRequest(f"Send JSON or form fields, not {media}.")
    except (UnicodeDecodeError, orjson.JSONDecodeError):
        raise BadRequest("The body is neither valid JSON nor UTF-8 form fields.") from None

    def text(name: str, *, required: bool) -> str | None:
        value = fields.get(name)
        if value is None or value == "":
            if required:
                raise BadRequest(f"The field {name!r} is required.")
            return None
        if not isinstance(value, str | int) or len(str(value)) > 128 or "\x00" in str(value):
            raise BadRequest(f"The field {name!r} must be text of at most 128 characters.")
        return str(value)

    token = text("token", required=False)
    if bearer and token and not hmac.compare_digest(bearer.encode(), token.encode()):
        raise Unauthorized("The bearer header and the body's 'token' are different tokens.")
    token = bearer or token
    if token is None:
        raise Unauthorized(
            "The integration token is missing: add 'token' to the node's data, "
            "or send 'Authorization: Bearer bs_it_...'."
        )
    return ScoreCall(
        token=token,
        survey=text("survey", required=True) or "",
        uuid=text("uuid", required=True) or "",
        session_id=text("session", required=False),
        ts=text("ts", required=False),
        sig=text("sig", required=False),
    )


def expected_sig(key: str, ts: str, survey: str, respondent: str) -> str:
    return hmac.new(
        key.encode(), f"{ts}.{survey}.{respondent}".encode(), hashlib.sha256
    ).hexdigest()


def verify_call(
    call: ScoreCall, keys: list[str], *, required: bool, now: float | None = None
) -> None:
    if call.sig is None and call.ts is None:
        if required:
            raise Unauthorized("This survey signs its calls: 'ts' and 'sig' are missing.")
        return
    # ASCII digits, a Unix time's worth: str.isdigit() also takes "²³", which int() refuses.
    ts = call.ts or ""
    if not (ts.isascii() and ts.isdigit() and len(ts) <= 12) or not call.sig:
        raise Unauthorized("'ts' must be unix seconds and 'sig' its HMAC.")
    if abs((time.time() if now is None else now) - int(ts)) > TOLERANCE_SECONDS:
        raise Unauthorized("The call's timestamp is more than 5 minutes off: replay refused.")
    given = call.sig.lower().encode("utf-8", "surrogatepass")  # bytes: any text compares
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(
            expected_sig(key, ts, call.survey, call.uuid).encode(), given
        )
    if not matched:
        raise Unauthorized("'sig' does not match under the survey's shared key.")
