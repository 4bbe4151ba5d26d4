"""Unit-test plumbing: a scripted mock transport and clients that never really sleep."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from botsieve_client import AsyncClient, Client

BASE_URL = "http://botsieve.test"
API_KEY = "bs_sk_unit"

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def reply(status: int, body: Any = None, **headers: str) -> httpx.Response:
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


class Script:
    """Answers requests with the given steps in order, and keeps every request it saw."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return step(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


class Sleeps(list[float]):
    """Stands in for time.sleep and asyncio.sleep: records the waits, waits for nothing."""

    def sync(self, seconds: float) -> None:
        self.append(seconds)

    async def async_(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(sleeps: Sleeps) -> Iterator[Callable[..., Client]]:
    made: list[Client] = []

    def make(script: Script, **options: Any) -> Client:
        options.setdefault("base_url", BASE_URL)
        options.setdefault("api_key", API_KEY)
        client = Client(transport=httpx.MockTransport(script), sleep=sleeps.sync, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def make_async_client(sleeps: Sleeps) -> Callable[..., AsyncClient]:
    def make(script: Script, **options: Any) -> AsyncClient:
        options.setdefault("base_url", BASE_URL)
        options.setdefault("api_key", API_KEY)
        return AsyncClient(transport=httpx.MockTransport(script), sleep=sleeps.async_, **options)

    return make
