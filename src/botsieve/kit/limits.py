"""Limits at the edge: URL, header and body sizes, checked before any route reads a byte.

A body is counted as it streams in, so a body over its route's limit is refused once the limit
is crossed (or at once, when Content-Length already says so) and is never held whole in memory.
Limits depend on the route's class: ingestion takes batches of events, logins a few fields,
everything else a modest JSON document (settings, keys, labels).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botsieve.kit.errors import error_body
from botsieve.kit.responses import JSON
from botsieve.kit.settings import Settings


@dataclass(frozen=True)
class EdgeLimits:
    url_bytes: int
    header_bytes: int
    header_count: int
    ingest_body_bytes: int
    auth_body_bytes: int
    default_body_bytes: int

    def body_limit(self, path: str) -> int:
        if path.startswith(INGEST_PREFIX):
            return self.ingest_body_bytes
        if path.startswith(AUTH_PREFIX):
            return self.auth_body_bytes
        return self.default_body_bytes


def edge_limits(settings: Settings) -> EdgeLimits:
    return EdgeLimits(
        url_bytes=settings.max_url_bytes,
        header_bytes=settings.max_header_bytes,
        header_count=settings.max_header_count,
        ingest_body_bytes=settings.max_body_bytes,
        auth_body_bytes=settings.max_body_bytes_auth,
        default_body_bytes=settings.max_body_bytes_default,
    )


INGEST_PREFIX = "/api/v1/detection/sessions"
AUTH_PREFIX = "/api/v1/auth/"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` so that whatever is reading the body stops there."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The body is over {limit} bytes for this route.")


def _refusal(scope: Scope, status: int, code: str, message: str) -> JSON:
    return JSON(error_body(code, message, Request(scope)), status_code=status)


def _headers_too_big(scope: Scope, limits: EdgeLimits) -> bool:
    headers = scope.get("headers") or ()
    if len(headers) > limits.header_count:
        return True
    return sum(len(k) + len(v) for k, v in headers) > limits.header_bytes


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class EdgeLimitsMiddleware:
    def __init__(self, app: ASGIApp, *, limits: EdgeLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal_before_reading(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._with_counted_body(scope, receive, send)

    def _refusal_before_reading(self, scope: Scope) -> JSON | None:
        limits = self.limits
        url = len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"])
        if url > limits.url_bytes:
            return _refusal(
                scope, 414, "uri_too_long", f"The URL is over {limits.url_bytes} bytes."
            )
        if _headers_too_big(scope, limits):
            return _refusal(
                scope,
                431,
                "headers_too_large",
                f"The headers are over {limits.header_bytes} bytes or "
                f"{limits.header_count} fields.",
            )
        limit = limits.body_limit(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            return _refusal(scope, 413, "payload_too_large", BodyTooLarge(limit).detail)
        return None

    async def _with_counted_body(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.body_limit(scope["path"])
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refusal(scope, 413, "payload_too_large", exc.detail)(scope, receive, send)
