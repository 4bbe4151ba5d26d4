"""What Decipher's ``<logic uses="api.1">`` node sends: a POST whose data is the node's dict.

The node cannot add headers, so the token is a field. Decipher documents ``api:url``,
``api:params`` (URL parameters) and ``api:data`` (the payload); the tests send the data both
form-encoded and as JSON, since the encoding is not documented.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import orjson

from botsieve.integrations.decipher import expected_sig


def logic_node_call(
    token: str,
    survey: str,
    uuid: str,
    session: str | None = None,
    *,
    key: str | None = None,
    as_json: bool = False,
    ts: int | None = None,
) -> tuple[bytes, dict[str, str]]:
    data: dict[str, Any] = {"token": token, "survey": survey, "uuid": uuid}
    if session is not None:
        data["session"] = session
    if key is not None:
        stamp = str(int(time.time()) if ts is None else ts)
        data["ts"] = stamp
        data["sig"] = expected_sig(key, stamp, survey, uuid)
    if as_json:
        return orjson.dumps(data), {"Content-Type": "application/json"}
    return urlencode(data).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
