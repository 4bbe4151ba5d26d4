"""Integration fixtures: the outbox worker off (tests run it step by step), and stand-ins."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from botsieve.decisions import service as decisions
from botsieve.integrations import tokens
from botsieve.integrations.outbox import http_client
from botsieve.kit.settings import Settings
from tests.factories import hand_path, new_session, send_events
from tests.integrations.standins.qualtrics import API_TOKEN, FakeQualtrics
from tests.integrations.standins.receiver import Receiver
from tests.integrations.standins.server import LoopbackServer

SURVEY = "SV_0Ab1Cd2Ef3Gh4Ij"
BASE = "/api/v1/integrations"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The calls analyse themselves: these tests are about verdicts, test_background.py about
    # the calls that only read.
    return settings.model_copy(
        update={"integrations_worker_enabled": False, "integrations_inline_analysis": True}
    )


@pytest.fixture
def nothing_remembered() -> Iterator[None]:
    """An empty memory of tokens and rules before and after the test: tests reuse survey ids,
    and a remembered rule or token would carry one test's into the next."""
    tokens.forget_all()
    decisions.forget_rules()
    yield
    tokens.forget_all()
    decisions.forget_rules()


@pytest.fixture
def fake_qualtrics() -> Iterator[tuple[FakeQualtrics, LoopbackServer]]:
    fake = FakeQualtrics()
    server = LoopbackServer(fake.app).start()
    yield fake, server
    server.stop()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, LoopbackServer]]:
    fake = Receiver()
    server = LoopbackServer(fake.app).start()
    yield fake, server
    server.stop()


@pytest.fixture
async def outbound(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(settings) as client:
        yield client


async def create_integration(
    client: httpx.AsyncClient, admin: dict[str, str], **body: Any
) -> dict[str, Any]:
    payload = {"platform": "qualtrics", "name": "wave 1", "survey_id": SURVEY, **body}
    response = await client.post(BASE, json=payload, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.fixture
async def qualtrics(client, admin, fake_qualtrics) -> dict[str, Any]:
    _, server = fake_qualtrics
    return await create_integration(client, admin, base_url=server.url, api_token=API_TOKEN)


async def human_session(
    client: httpx.AsyncClient, admin: dict[str, str], response_id: str, survey_id: str = SURVEY
) -> str:
    """A collector session for one response, with enough hand-like events to analyse and keep."""
    session = await new_session(client, admin, survey_id=survey_id, respondent_id=response_id)
    assert (await send_events(client, admin, session, hand_path(120))).status_code == 202
    return str(session["session_id"])
