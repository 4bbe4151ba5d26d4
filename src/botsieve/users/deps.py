"""Who may use the dashboard API: a secret API key (acts as admin) or a signed-in user.

``Viewer`` reads, ``Analyst`` also labels and re-analyses, ``Admin`` may do everything
(keys, users, settings). Cookie logins must send the CSRF token back on every change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from botsieve.auth.deps import BearerCredentials, authenticate, bearer_key
from botsieve.auth.schemas import Principal
from botsieve.kit.deps import DbDep, StateDep
from botsieve.kit.errors import Forbidden, Unauthorized
from botsieve.kit.state import AppState
from botsieve.kit.text import same_secret
from botsieve.users import service
from botsieve.users.schemas import ROLE_ORDER, Role, UserOut

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
session_cookie = APIKeyCookie(
    name=service.SESSION_COOKIE,
    auto_error=False,
    description="The dashboard login (HTTP-only); changes also need the X-CSRF-Token header.",
)


@dataclass(frozen=True)
class Actor:
    """The caller of a dashboard endpoint."""

    role: Role
    user: UserOut | None = None
    key: Principal | None = None
    csrf: str | None = None

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.email
        return f"key {self.key.name}" if self.key else "unknown"

    def may(self, role: Role) -> bool:
        return ROLE_ORDER.index(self.role) >= ROLE_ORDER.index(role)


async def identify(
    conn: HTTPConnection, state: AppState, db: AsyncSession, *, changes: bool
) -> Actor:
    """The actor behind a request or socket: a secret key, else the login cookie."""
    presented = bearer_key(conn)
    if presented is not None:
        principal = await authenticate(conn, state, presented)
        if not principal.is_secret:
            raise Forbidden("The dashboard API needs a secret key or a login.")
        return Actor(role="admin", key=principal)
    cookie = conn.cookies.get(service.SESSION_COOKIE)
    if not cookie:
        raise Unauthorized("Sign in, or send 'Authorization: Bearer <secret key>'.")
    token = service.read_token(state.settings, cookie)
    if changes:
        sent = conn.headers.get(service.CSRF_HEADER, "")
        if not sent or not same_secret(token.csrf, sent):
            raise Forbidden("Missing or wrong X-CSRF-Token header.")
    user = await service.user_for_token(db, token)
    return Actor(role=user.role, user=service.to_out(user), csrf=token.csrf)  # type: ignore[arg-type]


async def current_actor(
    request: Request,
    state: StateDep,
    db: DbDep,
    _bearer_doc: BearerCredentials,
    _cookie_doc: Annotated[str | None, Depends(session_cookie)],
) -> Actor:
    return await identify(request, state, db, changes=request.method not in SAFE_METHODS)


def require_role(role: Role) -> Callable[[Actor], Awaitable[Actor]]:
    async def check(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        if not actor.may(role):
            raise Forbidden(f"This needs the {role} role; you are {actor.role}.")
        return actor

    return check


Viewer = Annotated[Actor, Depends(require_role("viewer"))]
Analyst = Annotated[Actor, Depends(require_role("analyst"))]
Admin = Annotated[Actor, Depends(require_role("admin"))]
