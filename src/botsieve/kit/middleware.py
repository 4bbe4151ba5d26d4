"""One pure-ASGI middleware for what every request needs: a request id, metrics and a log line.

Pure ASGI (not BaseHTTPMiddleware) because it sits on the ingestion hot path.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botsieve.kit.metrics import ERRORS, REQUEST_LATENCY, REQUESTS

REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")
log = structlog.get_logger("botsieve.access")


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER and _VALID_REQUEST_ID.match(value):
            return value.decode()
    return uuid.uuid4().hex


# Methods a client may name; any other word is one label, so a caller cannot mint series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _route_template(scope: Scope) -> str:
    """The matched route's template, e.g. /api/v1/detection/sessions/{session_id}/events.

    Taken from the route itself, never from the path the client sent, so that metrics have one
    label per route whatever the caller puts in the URL; every unmatched path is one label.
    A route of an included router knows only its own part of the template; the routers'
    prefixes in front of it are the static text the path has before the part it matched.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    if not isinstance(template, str):
        return "unmatched"
    regex = getattr(route, "path_regex", None)
    path = scope.get("path", "")
    found = re.search(regex.pattern.lstrip("^"), path) if regex is not None else None
    return template if found is None else path[: found.start()] + template


def _method_label(scope: Scope) -> str:
    method = scope.get("method", "")
    return method if method in KNOWN_METHODS else "other"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("request_id")

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        template = _route_template(scope)
        method = scope.get("method", "")
        REQUEST_LATENCY.labels(template, _method_label(scope)).observe(elapsed)
        REQUESTS.labels(template, str(status)).inc()
        if status >= 400:
            ERRORS.labels(template, str(status)).inc()
        if self.access_log:
            log.info(
                "request",
                method=method,
                route=template,
                status=status,
                ms=round(elapsed * 1000, 2),
            )
