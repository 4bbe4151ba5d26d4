"""CORS for survey pages: only origins that some active publishable key allows.

A preflight carries no key, so it is answered for the union of allowed origins; the request
itself is then checked against its own key's origins (``auth.deps.authenticate``).
"""

from __future__ import annotations

import time

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botsieve.auth.repository import ApiKeyRepository

CORS_PATH_PREFIX = "/api/v1/detection/sessions"
ALLOWED_HEADERS = (
    "authorization, content-type, content-encoding, x-session-token, idempotency-key, x-request-id"
)
EXPOSED_HEADERS = "x-request-id, retry-after"


class KeyOriginCORSMiddleware:
    def __init__(self, app: ASGIApp, *, refresh_seconds: float = 5.0, max_age: int = 600) -> None:
        self.app = app
        self.refresh_seconds = refresh_seconds
        self.max_age = max_age
        self._origins: set[str] = set()
        self._fresh_until = 0.0

    async def _allowed(self, scope: Scope, origin: str) -> bool:
        if time.monotonic() > self._fresh_until:
            state = scope["app"].state.botsieve
            async with state.sessionmaker() as db:
                self._origins = await ApiKeyRepository(db).active_origins()
            self._fresh_until = time.monotonic() + self.refresh_seconds
        return origin.lower() in self._origins or "*" in self._origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(CORS_PATH_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or not await self._allowed(scope, origin):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            response = Response(
                status_code=204,
                headers={
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Allow-Methods": "POST, OPTIONS",
                    "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                    "Access-Control-Max-Age": str(self.max_age),
                    "Vary": "Origin",
                },
            )
            await response(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"access-control-allow-origin", origin.encode()),
                    (b"access-control-expose-headers", EXPOSED_HEADERS.encode()),
                    (b"vary", b"Origin"),
                ]
                message["headers"] = list(message.get("headers", ())) + extra
            await send(message)

        await self.app(scope, receive, send_with_cors)
