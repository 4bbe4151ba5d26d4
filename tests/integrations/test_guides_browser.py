"""The guides in a real browser: the collector snippets on survey pages in Chromium, then the
guides' verdict steps (Qualtrics' survey flow, Decipher's <exec> blocks) against a running
service. The pages come from stand-ins of Qualtrics (piped text, ``Qualtrics.SurveyEngine``)
and Decipher (``respview.client.js``, form pages); the collector and the service are real."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integrations.chromium import CHROMIUM, PATIENCE_S, Browser
from tests.integrations.guides import SERVICE, one_block
from tests.integrations.standins.decipher_pages import DecipherPages, client_html
from tests.integrations.standins.qualtrics_flow import SurveyFlow, parse_flow
from tests.integrations.standins.qualtrics_pages import SurveyPages
from tests.integrations.standins.server import LoopbackServer
from tests.integrations.test_guides import (
    DECIPHER_SURVEY,
    Node,
    _decipher_blocks,
    _survey_namespace,
)
from tests.live_server import LiveServer

SURVEY = "SV_0Ab1Cd2Ef3Gh4Ij"
RESPONDENTS = ("R_browser1", "R_browser2")

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(), reason="needs Chromium"
)


@pytest.fixture
def service(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(database_url, tmp_path, os.environ.get("BOTSIEVE_TEST_REDIS_URL"))
    server.env["BOTSIEVE_INTEGRATIONS_WORKER_ENABLED"] = "false"
    server.env["BOTSIEVE_INTEGRATIONS_INLINE_ANALYSIS"] = "true"
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    chromium = Browser()
    try:
        yield await chromium.start()
    finally:
        await chromium.stop()


def _header(service: LiveServer, key: str) -> str:
    block = one_block("qualtrics.md", "html", "botsieve.start")
    return block.replace(SERVICE, service.url).replace("bs_pk_REPLACE_ME", key)


async def _events(client: httpx.AsyncClient, secret: str, sid: str) -> int:
    reply = await client.get(
        f"/api/v1/detection/sessions/{sid}/status", headers={"Authorization": f"Bearer {secret}"}
    )
    count: int = reply.json().get("event_count", 0) if reply.status_code == 200 else 0
    return count


async def _wait(predicate: Any) -> Any:
    deadline = asyncio.get_running_loop().time() + PATIENCE_S
    while not (value := await predicate()):
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"hung: the condition never held in {PATIENCE_S:.0f} s")
        await asyncio.sleep(0.1)
    return value


async def test_guided_respondents_in_chromium_all_get_a_verdict(service, browser):
    secret = service.create_key("secret")
    pages = SurveyPages(SURVEY, header="")
    site = LoopbackServer(pages.app).start()
    try:
        publishable = service.create_key("publishable", site.url)
        pages.header = _header(service, publishable)
        async with httpx.AsyncClient(base_url=service.url, timeout=PATIENCE_S) as client:
            created = await client.post(
                "/api/v1/integrations",
                json={"platform": "qualtrics", "name": "browser", "survey_id": SURVEY},
                headers={"Authorization": f"Bearer {secret}"},
            )
            assert created.status_code == 201, created.text
            token = created.json()["token"]
            for response_id in RESPONDENTS:
                await browser.goto(f"{site.url}/jfe/form/{SURVEY}?rid={response_id}&page=1")
                await browser.move_around(90)
                await browser.click("#NextButton")
                await browser.wait_for("document.querySelector('#QID2') !== null")
                await browser.move_around(90, start=(140, 160))
                await browser.click("#NextButton")
                await browser.wait_for("document.querySelector('#done') !== null")

            flow = SurveyFlow(
                parse_flow(
                    one_block("qualtrics.md", "survey-flow").replace("bs_it_REPLACE_ME", token)
                ),
                _caller(client),
            )
            for response_id in RESPONDENTS:
                sid = await _wait(
                    lambda r=response_id: _async(pages.fields(r).get("__js_botsieve_session"))
                )
                await _wait(lambda s=sid: _at_least(client, secret, s, 20))
                run = await flow.take({}, pages.fields(response_id), {"consent": "agree"})
                assert run.calls[0]["body"]["session_id"] == sid
                assert run.fields["botsieve_status"] == "ok", run.calls
                assert run.fields["botsieve_verdict"] in ("human", "bot")
    finally:
        site.stop()


async def _async(value: Any) -> Any:
    return value


async def _at_least(client: httpx.AsyncClient, secret: str, sid: str, n: int) -> bool:
    return await _events(client, secret, sid) >= n


def _caller(client: httpx.AsyncClient) -> Any:
    async def call(method: str, url: str, headers: dict[str, str], body: dict[str, str]):
        reply = await client.post(url.removeprefix(SERVICE), json=body, headers=headers)
        return reply.json() if reply.status_code == 200 else None

    return call


async def test_guided_decipher_respondents_in_chromium_all_get_a_verdict(service, browser):
    secret = service.create_key("secret")
    style = one_block("decipher.md", "xml", "respview.client.js")
    pages = DecipherPages(DECIPHER_SURVEY)
    site = LoopbackServer(pages.app).start()
    try:
        publishable = service.create_key("publishable", site.url)
        pages.client = client_html(
            style.replace(SERVICE, service.url).replace("bs_pk_REPLACE_ME", publishable)
        )
        async with httpx.AsyncClient(base_url=service.url, timeout=PATIENCE_S) as client:
            created = await client.post(
                "/api/v1/integrations",
                json={"platform": "decipher", "name": "browser", "survey_id": DECIPHER_SURVEY},
                headers={"Authorization": f"Bearer {secret}"},
            )
            assert created.status_code == 201, created.text
            token = created.json()["token"]
            respondents = ("uuid-browser-1", "uuid-browser-2")
            for respondent in respondents:
                await browser.goto(f"{site.url}/survey/{DECIPHER_SURVEY}?uuid={respondent}&page=1")
                await browser.move_around(90)
                await browser.click("#btn_continue")
                await browser.wait_for("document.querySelector('#question_q2') !== null")
                await browser.move_around(90, start=(140, 160))
                await browser.click("#btn_continue")
                await browser.wait_for("document.querySelector('#done') !== null")
            first, second, url = _decipher_blocks(token)
            for respondent in respondents:
                ns = _survey_namespace(respondent)
                exec(first, ns)

                async def scored(data=ns["botsieve_call"]) -> Any:
                    reply = await client.post(url.removeprefix(SERVICE), data=data)
                    body = reply.json()
                    return (reply, body) if body.get("status") == "ok" else None

                # The last page's events leave by sendBeacon: wait until they are in.
                reply, _ = await _wait(scored)
                ns["botsieve"] = Node(reply.status_code, reply.headers["content-type"], reply.text)
                exec(second, ns)
                assert ns["hBotStatus"].val == "ok"
                assert ns["hBotVerdict"].val in ("human", "bot")
    finally:
        site.stop()
