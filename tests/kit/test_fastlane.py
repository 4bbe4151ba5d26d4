"""The short way in for hot routes: the same answers as through the router, errors included."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from botsieve.kit.errors import NotFound
from botsieve.kit.fastlane import FastLaneMiddleware, Lane
from tests.factories import mouse_path, new_session, send_events


async def _lane_handler(request: Request, item_id: uuid.UUID) -> Response:
    if item_id.int == 0:
        raise NotFound("no item zero")
    return JSONResponse({"via": "lane", "type": type(item_id).__name__, "id": str(item_id)})


async def _router_handler(request: Request) -> Response:
    return JSONResponse({"via": "router"})


def _client() -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/items/{item_id}", _router_handler, methods=["POST", "GET"])])
    app.add_middleware(
        FastLaneMiddleware, lanes=[Lane("POST", "/items/{item_id:uuid}", _lane_handler)]
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_a_matching_request_takes_the_lane_with_its_parameters_converted() -> None:
    item = uuid.uuid4()
    async with _client() as client:
        body = (await client.post(f"/items/{item}")).json()
    assert body == {"via": "lane", "type": "UUID", "id": str(item)}


async def test_other_methods_and_malformed_parameters_go_to_the_router() -> None:
    async with _client() as client:
        assert (await client.get(f"/items/{uuid.uuid4()}")).json() == {"via": "router"}
        assert (await client.post("/items/not-a-uuid")).json() == {"via": "router"}


async def test_domain_errors_in_a_lane_get_the_error_shape() -> None:
    async with _client() as client:
        response = await client.post(f"/items/{uuid.UUID(int=0)}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def _count(route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "botsieve_http_requests_total", {"route": route, "status": status}
    )
    return value or 0.0


async def test_the_app_measures_lane_requests_under_their_route(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    route = "/api/v1/detection/sessions/{session_id}/events"
    before = _count(route, "202")
    session = await new_session(client, admin)
    response = await send_events(client, admin, session, mouse_path(3))
    assert response.status_code == 202
    assert _count(route, "202") == before + 1
    assert response.headers["x-request-id"]


async def test_the_app_answers_a_malformed_session_id_through_the_router(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/detection/sessions/not-a-uuid/events",
        json={"batch_id": "b1", "events": mouse_path(2)},
        headers=admin,
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == 422
    assert body["error"]["code"] == "validation_failed"
    assert body["error"]["request_id"] == response.headers["x-request-id"]
