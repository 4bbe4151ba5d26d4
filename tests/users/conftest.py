"""Dashboard users of each role, and a browser-like client that keeps the login cookies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from botsieve.kit.db import transaction
from botsieve.users import service
from botsieve.users.schemas import UserCreate

PASSWORD = "correct horse battery"
ROLES = ("admin", "analyst", "viewer")


async def make_user(app: object, role: str, email: str | None = None) -> str:
    email = email or f"{role}@example.org"
    async with transaction(app.state.botsieve.sessionmaker) as db:  # type: ignore[attr-defined]
        await service.create_user(
            db,
            UserCreate(email=email, role=role, password=PASSWORD),  # type: ignore[arg-type]
        )
    return email


def https_client(app: object) -> httpx.AsyncClient:
    """Secure cookies travel over https only, as in a browser."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="https://testserver")


async def login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """Sign in; returns the CSRF header to send with changes."""
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


@pytest.fixture
async def web(app: object) -> AsyncIterator[httpx.AsyncClient]:
    async with https_client(app) as client:
        yield client
