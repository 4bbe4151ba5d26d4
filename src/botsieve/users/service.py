"""Users and logins.

A login is a signed token (HS256 JWT keyed from the install's secret) in an HTTP-only cookie.
It carries the user's id, their ``token_version`` and a CSRF token; the CSRF token is also
given to the page (a readable cookie and the login reply) and must come back in the
``X-CSRF-Token`` header on every request that changes something (double submit). Logging out,
or changing the user's password or role, bumps ``token_version`` and so voids every older token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.errors import BadRequest, Conflict, NotFound, Unauthorized
from botsieve.kit.settings import Settings
from botsieve.models import User
from botsieve.models.base import utcnow
from botsieve.users.repository import UserRepository
from botsieve.users.schemas import UserCreate, UserOut, UserUpdate

SESSION_COOKIE = "botsieve_session"
CSRF_COOKIE = "botsieve_csrf"
CSRF_HEADER = "X-CSRF-Token"
_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class LoginToken:
    user_id: uuid.UUID
    version: int
    csrf: str


def to_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def create_user(db: AsyncSession, data: UserCreate) -> UserOut:
    repo = UserRepository(db)
    email = _normalise_email(data.email)
    if await repo.by_email(email) is not None:
        raise Conflict(f"A user with email {email} exists already.")
    user = await repo.add(
        User(
            email=email,
            name=data.name,
            role=data.role,
            password_hash=hash_password(data.password),
            is_active=True,
            token_version=0,
            created_at=utcnow(),
        )
    )
    return to_out(user)


async def list_users(db: AsyncSession) -> list[UserOut]:
    return [to_out(u) for u in await UserRepository(db).list()]


async def _get(db: AsyncSession, user_id: uuid.UUID) -> User:
    user = await UserRepository(db).by_id(user_id)
    if user is None:
        raise NotFound(f"No user {user_id}")
    return user


async def _keep_an_admin(repo: UserRepository, user: User) -> None:
    if user.role == "admin" and user.is_active and await repo.count_active_admins() <= 1:
        raise BadRequest("This is the last active admin; make another admin first.")


async def update_user(db: AsyncSession, user_id: uuid.UUID, data: UserUpdate) -> UserOut:
    repo = UserRepository(db)
    user = await _get(db, user_id)
    demoted = data.role is not None and data.role != "admin"
    if demoted or data.is_active is False:
        await _keep_an_admin(repo, user)
    if data.name is not None:
        user.name = data.name
    if data.role is not None and data.role != user.role:
        user.role = data.role
        user.token_version += 1
    if data.is_active is not None:
        user.is_active = data.is_active
    if data.password is not None:
        user.password_hash = hash_password(data.password)
        user.token_version += 1
    await db.flush()
    return to_out(user)


async def delete_user(db: AsyncSession, user_id: uuid.UUID) -> None:
    repo = UserRepository(db)
    user = await _get(db, user_id)
    await _keep_an_admin(repo, user)
    await repo.delete(user)


async def check_password(db: AsyncSession, email: str, password: str) -> User:
    """The active user with this email and password, or Unauthorized (same for any failure)."""
    user = await UserRepository(db).by_email(_normalise_email(email))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.is_active:
        raise Unauthorized("Wrong email or password.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    await db.flush()
    return user


async def logout(db: AsyncSession, user_id: uuid.UUID) -> None:
    user = await UserRepository(db).by_id(user_id)
    if user is not None:
        user.token_version += 1
        await db.flush()


def _signing_key(settings: Settings) -> bytes:
    return hmac.new(settings.secret, b"dashboard-login", hashlib.sha256).digest()


def issue_token(settings: Settings, user: User) -> tuple[str, str]:
    """A login token for the cookie, and its CSRF token."""
    csrf = secrets.token_urlsafe(24)
    now = utcnow()
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "ver": user.token_version,
        "csrf": csrf,
        "iat": now,
        "exp": now + dt.timedelta(hours=settings.login_session_hours),
    }
    return jwt.encode(claims, _signing_key(settings), algorithm="HS256"), csrf


def read_token(settings: Settings, token: str) -> LoginToken:
    try:
        claims = jwt.decode(
            token,
            _signing_key(settings),
            algorithms=["HS256"],
            options={"require": ["sub", "exp", "ver", "csrf"]},
        )
        return LoginToken(uuid.UUID(claims["sub"]), int(claims["ver"]), str(claims["csrf"]))
    except (jwt.PyJWTError, ValueError, TypeError):
        raise Unauthorized("Your login has expired; sign in again.") from None


async def user_for_token(db: AsyncSession, token: LoginToken) -> User:
    user = await UserRepository(db).by_id(token.user_id)
    if user is None or not user.is_active or user.token_version != token.version:
        raise Unauthorized("Your login has expired; sign in again.")
    return user
