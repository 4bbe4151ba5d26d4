"""/api/v1/auth (login, logout, who am I) and /api/v1/users (admins manage users)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from botsieve.kit.clientip import client_ip
from botsieve.kit.deps import DbDep, StateDep
from botsieve.kit.errors import Unauthorized
from botsieve.kit.settings import Settings
from botsieve.users import service
from botsieve.users.deps import Admin, Viewer
from botsieve.users.schemas import LoginIn, Me, UserCreate, UserOut, UserUpdate

auth_router = APIRouter(prefix="/auth", tags=["users"])
users_router = APIRouter(prefix="/users", tags=["users"])


def _set_cookies(response: Response, settings: Settings, token: str, csrf: str) -> None:
    common = {
        "secure": settings.cookies_are_secure,
        "samesite": "strict",
        "path": "/",
        "max_age": int(settings.login_session_hours * 3600),
    }
    response.set_cookie(service.SESSION_COOKIE, token, httponly=True, **common)  # type: ignore[arg-type]
    # Readable by the page, which sends it back as X-CSRF-Token (double submit).
    response.set_cookie(service.CSRF_COOKIE, csrf, httponly=False, **common)  # type: ignore[arg-type]


@auth_router.post("/login", response_model=Me)
async def login(
    body: LoginIn, request: Request, response: Response, state: StateDep, db: DbDep
) -> Me:
    """Sign in with email and password; sets the session cookie. Attempts are rate-limited."""
    settings = state.settings
    ip = client_ip(request, settings.trusted_proxies)
    await state.limiter.check(settings.rate_limit_login, "login-ip", ip)
    # Failures count per email *and* address: guessing at an account from one address is
    # stopped, and an attacker elsewhere cannot lock the account's owner out.
    email_here = ("login-email-ip", body.email.lower(), ip)
    await state.limiter.refuse_if_exhausted(settings.rate_limit_login, *email_here)
    try:
        user = await service.check_password(db, body.email, body.password)
    except Unauthorized:
        await state.limiter.count(settings.rate_limit_login, *email_here)
        raise
    token, csrf = service.issue_token(settings, user)
    _set_cookies(response, settings, token, csrf)
    out = service.to_out(user)
    return Me(user=out, role=out.role, via="login", csrf_token=csrf)


@auth_router.post("/logout", status_code=204)
async def logout(actor: Viewer, response: Response, db: DbDep) -> None:
    """Sign out everywhere: every login token of this user stops working."""
    if actor.user is not None:
        await service.logout(db, actor.user.id)
    response.delete_cookie(service.SESSION_COOKIE, path="/")
    response.delete_cookie(service.CSRF_COOKIE, path="/")


@auth_router.get("/me", response_model=Me)
async def me(actor: Viewer) -> Me:
    """Who is calling, and with which role."""
    return Me(
        user=actor.user,
        role=actor.role,
        via="login" if actor.user else "api_key",
        csrf_token=actor.csrf,
    )


@users_router.get("", response_model=list[UserOut])
async def list_users(_: Admin, db: DbDep) -> list[UserOut]:
    return await service.list_users(db)


@users_router.post("", response_model=UserOut, status_code=201)
async def create_user(body: UserCreate, _: Admin, db: DbDep) -> UserOut:
    return await service.create_user(db, body)


@users_router.patch("/{user_id}", response_model=UserOut)
async def update_user(user_id: uuid.UUID, body: UserUpdate, _: Admin, db: DbDep) -> UserOut:
    """Change name, role, password or active state; role or password changes sign them out."""
    return await service.update_user(db, user_id, body)


@users_router.delete("/{user_id}", status_code=204)
async def delete_user(user_id: uuid.UUID, _: Admin, db: DbDep) -> None:
    await service.delete_user(db, user_id)
