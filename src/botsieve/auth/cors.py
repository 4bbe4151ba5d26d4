"""CORS for survey pages: only origins that some active publishable key allows.

A preflight carries no key, so it is answered for the union of allowed origins; the request
itself is then checked against its own key's origins (``auth.deps.authenticate``).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botsieve.auth.prefixes import FreshSet, active_origins

CORS_PATH_PREFIX = "/api/v1/detection/sessions"
ALLOWED_HEADERS = (
    "authorization, content-type, content-encoding, x-session-token, idempotency-key, x-request-id"
)
EXPOSED_HEADERS = "x-request-id, retry-after"


class KeyOriginCORSMiddleware:
    """An origin no key allowed a moment ago (a key just made, here or on another instance)
    waits for a fresh reload of the origins rather than being refused (auth/prefixes.py); known
    origins are answered from memory for ``refresh_seconds`` after the reload that found them."""

    RELOAD_SECONDS = 0.25

    def __init__(self, app: ASGIApp, *, refresh_seconds: float = 5.0, max_age: int = 600) -> None:
        self.app = app
        self.refresh_seconds = refresh_seconds
        self.max_age = max_age
        self._origins: FreshSet | None = None
        self._for_state: object = None

    def _origin_set(self, scope: Scope) -> FreshSet:
        # The app's state exists once its lifespan has begun, and is new after a restart.
        state = scope["app"].state.botsieve
        if self._origins is None or self._for_state is not state:
            spacing = min(self.refresh_seconds, self.RELOAD_SECONDS)
            self._origins = active_origins(state.sessionmaker, spacing, self.refresh_seconds)
            self._for_state = state
        return self._origins

    async def _allowed(self, scope: Scope, origin: str) -> bool:
        origins, origin = self._origin_set(scope), origin.lower()
        if origins.holds(origin) or origins.holds("*"):
            return True
        return await origins.known(origin) or "*" in origins

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
