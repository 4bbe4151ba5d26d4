"""Who may call: API key authentication, the origin rule of publishable keys, rate limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from botsieve.auth.schemas import Principal
from botsieve.kit.clientip import client_ip
from botsieve.kit.deps import StateDep
from botsieve.kit.errors import Forbidden, RateLimited, Unauthorized
from botsieve.kit.state import AppState

bearer = HTTPBearer(auto_error=False, description="An API key: bs_pk_... or bs_sk_...")


def bearer_key(conn: HTTPConnection) -> str | None:
    """The key in ``Authorization: Bearer <key>``, if one was sent."""
    authorization = conn.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return None


async def authenticate(
    request: HTTPConnection, state: AppState, presented: str | None
) -> Principal:
    """Verify a key, apply its origin rule and its rate limits."""
    if not presented:
        raise Unauthorized("An API key is required: send 'Authorization: Bearer <key>'.")
    settings = state.settings
    principal = await _verify_limiting_failures(request, state, presented)
    if principal.is_secret:
        await state.limiter.check(settings.rate_limit_secret_per_key, str(principal.key_id))
        return principal
    origin = request.headers.get("origin")
    allowed = principal.allowed_origins
    if origin is None or not ("*" in allowed or origin.lower() in allowed):
        raise Forbidden(
            f"This publishable key is not allowed from origin {origin or '(none)'}; "
            "add the survey's origin to the key."
        )
    await state.limiter.check(settings.rate_limit_publishable_per_key, str(principal.key_id))
    ip = client_ip(request, settings.trusted_proxies)
    await state.limiter.check(settings.rate_limit_publishable_per_ip, "ip", ip)
    return principal


async def _verify_limiting_failures(
    request: HTTPConnection, state: AppState, presented: str
) -> Principal:
    """Wrong keys count against the client's address; past the limit it is refused (429)
    before its keys are even looked at, so guessing costs the guesser, not the service.

    A refused address is also locked out at the gate (kit/authgate.py), which refuses its next
    requests before any middleware or route runs. A key with an active key's prefix is still
    verified from a locked address, so that people behind one NAT keep working while a
    neighbour floods it with guesses.
    """
    rule = state.settings.rate_limit_failed_auth_per_ip
    ip = client_ip(request, state.settings.trusted_proxies)
    if state.keys.is_known_prefix(presented):
        return await _verify_known_prefix(state, presented, rule, ip)
    try:
        await state.limiter.refuse_if_exhausted(rule, "auth-failed", ip)
    except RateLimited as exc:
        _lock_out(state, ip, exc)
        raise
    try:
        return await state.keys.verify(presented)
    except Unauthorized:
        await state.limiter.count(rule, "auth-failed", ip)
        raise


async def _verify_known_prefix(state: AppState, presented: str, rule: str, ip: str) -> Principal:
    """A key shaped like an active key is verified even from an address past the limit, so
    the limit only decides what a wrong one hears: 429 past it, else a counted 401. Verifying
    first spares a right key (nearly every request) a limiter call: a Redis round trip when
    Redis is configured."""
    try:
        return await state.keys.verify(presented)
    except Unauthorized as exc:
        wrong = exc
    await state.limiter.refuse_if_exhausted(rule, "auth-failed", ip)
    await state.limiter.count(rule, "auth-failed", ip)
    raise wrong


def _lock_out(state: AppState, ip: str, refusal: RateLimited) -> None:
    retry_after = int((refusal.headers or {}).get("Retry-After", "1"))
    state.lockouts.lock(ip, retry_after)


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def require_key(
    request: Request, state: StateDep, credentials: BearerCredentials
) -> Principal:
    return await authenticate(request, state, credentials.credentials if credentials else None)


async def require_secret(principal: Annotated[Principal, Depends(require_key)]) -> Principal:
    if not principal.is_secret:
        raise Forbidden("This endpoint needs a secret key; publishable keys may only collect.")
    return principal


AnyKey = Annotated[Principal, Depends(require_key)]
SecretKey = Annotated[Principal, Depends(require_secret)]
