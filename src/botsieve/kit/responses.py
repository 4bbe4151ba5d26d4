"""JSON responses rendered with orjson (fast, and handles datetimes and UUIDs natively)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import JSONResponse


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(
                content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
            )
        except orjson.JSONEncodeError:
            # orjson stops at 64-bit integers; a stored JSON document may hold bigger ones.
            return json.dumps(content, default=str, ensure_ascii=False).encode()
