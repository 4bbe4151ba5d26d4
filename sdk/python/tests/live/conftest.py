"""A real service for the live tests: one per test run, plus one with tight limits."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from botsieve_client import AsyncClient, Client

from .service import LiveService


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``live``: ``-m "not live"`` runs the unit tests alone."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.live)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    live = LiveService(tmp_path_factory.mktemp("botsieve"))
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="session")
def secret_key(service: LiveService) -> str:
    return service.create_key("secret")


@pytest.fixture
def client(service: LiveService, secret_key: str) -> Iterator[Client]:
    with Client(base_url=service.url, api_key=secret_key) as live_client:
        yield live_client


@pytest.fixture
async def async_client(service: LiveService, secret_key: str) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(base_url=service.url, api_key=secret_key) as live_client:
        yield live_client


@pytest.fixture
def survey_id() -> str:
    """A survey of this test's own, so that lists and counts see only its sessions."""
    return "SV_" + uuid.uuid4().hex[:12]


def pointer_events(count: int = 30, start_t: float = 0.0) -> list[dict[str, Any]]:
    """A short, plausible stretch of mouse movement ending in a click."""
    events: list[dict[str, Any]] = [
        {"type": "mousemove", "t": start_t + 16.0 * i, "x": 100 + 7 * i, "y": 200 + (i % 5)}
        for i in range(count - 1)
    ]
    last = events[-1]
    events.append({"type": "click", "t": last["t"] + 90.0, "x": last["x"], "y": last["y"]})
    return events


ENVIRONMENT = {"webdriver": False, "languages": ["en-US"], "platform": "Linux x86_64"}
