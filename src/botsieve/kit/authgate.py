"""The failed-authentication gate: addresses locked out for wrong keys are refused first.

The auth code (auth/deps.py) limits wrong keys per client address; once an address is over
that limit it records a lockout here. This pure-ASGI gate sits outside every other middleware
and routing, so a locked-out address's next requests cost a dictionary lookup and a 429 written
straight to the socket: no body read, no routing, no request id, no access log line, no
per-route metrics. Refusals are counted in one unlabelled counter and one log line per interval
(never a series or a line per request: the input is unauthenticated).

Behind a NAT many people share one address, so a lockout would also refuse their valid keys.
A request whose key starts with the prefix of an active key (the set KeyVerifier keeps in
memory) goes through to the auth code, which verifies it even for a locked address; random or
guessed keys (unknown prefixes) never get past the gate. A flooder who knows a real prefix
costs one key check per request, as before the gate.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

import structlog
from prometheus_client import Counter
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from botsieve.kit.clientip import client_ip
from botsieve.kit.errors import RateLimited, error_body

# kit/security_headers.py's headers_for, with this install's HSTS choice: path -> headers.
HeadersFor = Callable[[str], list[tuple[bytes, bytes]]]

REFUSED = Counter(
    "botsieve_auth_gate_refused_total",
    "Requests refused at the gate because their address is locked out for failed authentication",
)
log = structlog.get_logger("botsieve.authgate")

LOG_EVERY_SECONDS = 60.0
MAX_LOCKED_ADDRESSES = 100_000


class Lockouts:
    """Addresses refused until a moment (monotonic seconds); bounded, expired ones dropped."""

    def __init__(self, max_addresses: int = MAX_LOCKED_ADDRESSES) -> None:
        self.max_addresses = max_addresses
        self._until: dict[str, float] = {}

    def lock(self, address: str, seconds: float) -> None:
        now = time.monotonic()
        if address not in self._until and len(self._until) >= self.max_addresses:
            self._drop_expired(now)
            if len(self._until) >= self.max_addresses:
                # Full of live lockouts: the oldest entry goes (dicts keep insertion order).
                del self._until[next(iter(self._until))]
        self._until[address] = now + seconds

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until the address may try again, or None if it is not locked out."""
        until = self._until.get(address)
        if until is None:
            return None
        left = until - time.monotonic()
        if left <= 0:
            del self._until[address]
            return None
        return max(1, math.ceil(left))

    def __len__(self) -> int:
        return len(self._until)

    def _drop_expired(self, now: float) -> None:
        for address in [a for a, until in self._until.items() if until <= now]:
            del self._until[address]


class RefusalTally:
    """Refusals since the last log line; one aggregated line per interval, at the next refusal."""

    def __init__(self, every: float = LOG_EVERY_SECONDS) -> None:
        self.every = every
        self.refused = 0
        self.addresses: set[str] = set()
        self._since = time.monotonic()

    def add(self, address: str) -> None:
        REFUSED.inc()
        self.refused += 1
        if len(self.addresses) < 10_000:
            self.addresses.add(address)
        now = time.monotonic()
        if now - self._since >= self.every:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self.refused:
            log.warning(
                "auth_gate.refused",
                refused=self.refused,
                addresses=len(self.addresses),
                seconds=round((now or time.monotonic()) - self._since, 1),
            )
        self.refused = 0
        self.addresses.clear()
        self._since = now or time.monotonic()


def _bearer(scope: Scope) -> bytes:
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            return value[7:].strip() if value[:7].lower() == b"bearer " else b""
    return b""


def _refusal(
    scope: Scope, retry_after: int, security_headers: HeadersFor | None
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    message = f"Too many failed authentications from this address; retry in {retry_after} s."
    body = json.dumps(error_body(RateLimited.code, message, Request(scope))).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
    ]
    # The gate answers outside SecurityHeadersMiddleware, so it adds the same headers itself.
    if security_headers is not None:
        headers += security_headers(scope["path"])
    return headers, body


def _started_state(scope: Scope) -> Any:
    """The app's state (kit/state.py) once the lifespan has built it, else None."""
    app = scope.get("app")
    return getattr(getattr(app, "state", None), "botsieve", None)


class FailedAuthGate:
    """Outermost middleware: reads the lockouts the auth code records in the app's state."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trusted_proxies: tuple[str, ...],
        security_headers: HeadersFor | None = None,
    ) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies
        self.security_headers = security_headers
        self.tally = RefusalTally()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = _started_state(scope) if scope["type"] == "http" else None
        if state is None or not state.lockouts:  # the common case: nobody locked out
            await self.app(scope, receive, send)
            return
        address = client_ip(HTTPConnection(scope), self.trusted_proxies)
        retry_after = state.lockouts.retry_after(address)
        if retry_after is None or state.keys.is_known_prefix(_bearer(scope).decode("latin-1")):
            await self.app(scope, receive, send)
            return
        self.tally.add(address)
        headers, body = _refusal(scope, retry_after, self.security_headers)
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
