"""Reading request bodies with a size limit, gzip included, before anything parses them."""

from __future__ import annotations

import zlib
from typing import Any

import orjson
from starlette.requests import Request

from botsieve.kit.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

JSON_TYPES = ("application/json", "text/plain")


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"The body is over {max_bytes} bytes.")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"The body is over {max_bytes} bytes.")
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").lower()
    if encoding == "gzip":
        return _gunzip(body, max_bytes)
    if encoding != "identity":
        raise UnsupportedMediaType(f"Content-Encoding {encoding!r} is not supported; use gzip.")
    return body


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise BadRequest(f"The gzip body is corrupt: {exc}") from None
    if len(out) > max_bytes:
        raise PayloadTooLarge(f"The body is over {max_bytes} bytes once decompressed.")
    if not inflater.eof:
        raise BadRequest("The gzip body is truncated.")
    return out


def parse_json_object(request: Request, body: bytes) -> dict[str, Any]:
    media_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if media_type.lower() not in JSON_TYPES:
        raise UnsupportedMediaType(
            f"Content-Type {media_type!r} is not accepted; send application/json "
            "(or text/plain JSON from navigator.sendBeacon)."
        )
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise BadRequest("The body must be a JSON object.")
    return doc
