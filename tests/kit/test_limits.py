"""Limits at the edge: every route refuses an oversized body, URL or header block with a 4xx
in the one error shape, before authentication and before the body is read whole."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest

from botsieve.kit.limits import edge_limits

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _routes_with_bodies(app) -> list[tuple[str, str]]:
    """Every documented route that takes a body, with its path parameters filled in."""
    found = []
    for template, operations in app.openapi()["paths"].items():
        path = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), template)
        found += [(m.upper(), path) for m in operations if m.upper() in BODY_METHODS]
    return found


def _assert_refused(reply, status: int, code: str) -> None:
    assert reply.status_code == status, (reply.request.url, reply.text)
    assert reply.json()["error"]["code"] == code


async def test_every_route_refuses_a_body_over_its_class_limit(app, client):
    limits = edge_limits(app.state.botsieve.settings)
    routes = _routes_with_bodies(app)
    assert len(routes) > 20
    for method, path in routes:
        body = b"{" + b" " * limits.body_limit(path) + b"}"
        reply = await client.request(method, path, content=body)
        _assert_refused(reply, 413, "payload_too_large")


async def test_a_streamed_body_is_refused_once_it_crosses_the_limit(app, client):
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        while sent < 50_000_000:
            sent += 65_536
            yield b" " * 65_536

    reply = await client.post("/api/v1/auth/login", content=endless())
    _assert_refused(reply, 413, "payload_too_large")
    # Refused at the auth limit (16 KiB), not after reading the 50 MB.
    assert sent < 1_000_000


async def test_login_takes_a_normal_body(client):
    reply = await client.post("/api/v1/auth/login", json={"email": "a@b.c", "password": "nope"})
    assert reply.status_code == 401


async def test_ingestion_keeps_its_larger_limit(client, admin):
    from tests.factories import mouse_path, new_session

    session = await new_session(client, admin)
    events = mouse_path(4000)
    reply = await client.post(
        f"/api/v1/detection/sessions/{session['session_id']}/events",
        json={"batch_id": "big", "events": events},
        headers=admin,
    )
    assert reply.status_code == 202, reply.text
    assert len(reply.request.content) > 262_144  # over the default class, under ingestion's


async def test_a_long_url_is_refused(client):
    reply = await client.get("/api/v1/dashboard/sessions", params={"q": "x" * 10_000})
    _assert_refused(reply, 414, "uri_too_long")


@pytest.mark.parametrize(
    "headers",
    [{"X-Padding": "x" * 20_000}, {f"X-Many-{i}": "1" for i in range(150)}],
    ids=["large", "many"],
)
async def test_oversized_headers_are_refused(client, headers):
    reply = await client.get("/health", headers=headers)
    _assert_refused(reply, 431, "headers_too_large")
