"""Session lists: filters on the query string, and an iterator that follows the cursors."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from botsieve_client import BotsieveError

from .conftest import Script, reply
from .payloads import row

IDS = [f"00000000-0000-0000-0000-00000000000{i}" for i in range(5)]


def pages() -> Script:
    return Script(
        reply(200, {"items": [row(IDS[0]), row(IDS[1])], "next_cursor": "c1"}),
        reply(200, {"items": [row(IDS[2]), row(IDS[3])], "next_cursor": "c2"}),
        reply(200, {"items": [row(IDS[4])], "next_cursor": None}),
    )


def cursors(script: Script) -> list[str | None]:
    return [r.url.params.get("cursor") for r in script.requests]


def test_iterator_follows_cursors_to_the_last_page(make_client) -> None:
    script = pages()
    rows = list(make_client(script).iter_sessions(survey_id="SV_9", verdict="bot", page_size=2))
    assert [str(r.session_id) for r in rows] == IDS
    assert cursors(script) == [None, "c1", "c2"]
    for request in script.requests:
        assert request.url.params["survey_id"] == "SV_9"
        assert request.url.params["verdict"] == "bot"
        assert request.url.params["limit"] == "2"


async def test_async_iterator_follows_cursors_to_the_last_page(make_async_client) -> None:
    script = pages()
    async with make_async_client(script) as client:
        rows = [r async for r in client.iter_sessions(risk="high")]
    assert [str(r.session_id) for r in rows] == IDS
    assert cursors(script) == [None, "c1", "c2"]
    assert all(r.url.params["risk"] == "high" for r in script.requests)
    assert all("limit" not in r.url.params for r in script.requests)


def test_iterator_fetches_lazily(make_client) -> None:
    script = pages()
    iterator = make_client(script).iter_sessions()
    assert str(next(iterator).session_id) == IDS[0]
    assert len(script.requests) == 1


def test_a_cursor_given_twice_stops_the_iterator(make_client) -> None:
    same = {"items": [row(IDS[0])], "next_cursor": "c1"}
    script = Script(reply(200, same), reply(200, same))
    with pytest.raises(BotsieveError, match="same cursor"):
        list(make_client(script).iter_sessions())


def test_list_sessions_sends_every_filter(make_client) -> None:
    script = Script(reply(200, {"items": [], "next_cursor": None}))
    since = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    until = dt.datetime(2026, 11, 2, 12, 30, tzinfo=dt.UTC)
    page = make_client(script).list_sessions(
        since=since,
        until=until,
        survey_id="SV 1",
        platform="qualtrics",
        verdict="unanalyzed",
        risk="critical",
        q="R_&x",
        cursor="abc",
        limit=10,
    )
    assert page.items == []
    assert page.next_cursor is None
    params = dict(script.last.url.params)
    assert params == {
        "since": "2026-11-01T00:00:00+00:00",
        "until": "2026-11-02T12:30:00+00:00",
        "survey_id": "SV 1",
        "platform": "qualtrics",
        "verdict": "unanalyzed",
        "risk": "critical",
        "q": "R_&x",
        "cursor": "abc",
        "limit": "10",
    }
    assert script.last.url.path == "/api/v1/dashboard/sessions"


def test_list_sessions_without_filters_sends_none(make_client) -> None:
    script = Script(reply(200, {"items": [], "next_cursor": None}))
    make_client(script).list_sessions()
    assert script.last.url.query == b""


def test_overview_sends_its_filters(make_client) -> None:
    script = Script(httpx.Response(500))
    with pytest.raises(BotsieveError):
        make_client(script, max_retries=0).overview(survey_id="SV_1", platform="web")
    assert dict(script.last.url.params) == {"survey_id": "SV_1", "platform": "web"}
    assert script.last.url.path == "/api/v1/dashboard/overview"
