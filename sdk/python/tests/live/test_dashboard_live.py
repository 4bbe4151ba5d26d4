"""Dashboard queries through the SDK: filters, cursors and figures, against a real service."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from botsieve_client import (
    BadRequestError,
    Client,
    UnprocessableEntityError,
)

from .conftest import pointer_events
from .service import LiveService


def make_sessions(client: Client, survey_id: str, count: int) -> list[str]:
    made = []
    for i in range(count):
        session = client.create_session(survey_id, platform="decipher", respondent_id=f"R_{i}")
        made.append(str(session.session_id))
    return made


def test_iterating_follows_cursors_over_every_page(client: Client, survey_id: str) -> None:
    made = make_sessions(client, survey_id, 5)
    first = client.list_sessions(survey_id=survey_id, limit=2)
    assert len(first.items) == 2
    assert first.next_cursor is not None
    rows = list(client.iter_sessions(survey_id=survey_id, page_size=2))
    assert [str(r.session_id) for r in rows] == list(reversed(made))
    assert all(r.platform == "decipher" for r in rows)


def test_filters_narrow_the_list(client: Client, survey_id: str) -> None:
    made = make_sessions(client, survey_id, 3)
    client.send_events(made[0], pointer_events(25))
    analysed = client.analyze(made[0])
    verdict = "bot" if analysed.is_bot else "human"
    rows = list(client.iter_sessions(survey_id=survey_id, verdict=verdict))
    assert [str(r.session_id) for r in rows] == [made[0]]
    unanalysed = list(client.iter_sessions(survey_id=survey_id, verdict="unanalyzed"))
    assert {str(r.session_id) for r in unanalysed} == set(made[1:])
    found = list(client.iter_sessions(survey_id=survey_id, q="R_2"))
    assert [r.respondent_id for r in found] == ["R_2"]
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert list(client.iter_sessions(survey_id=survey_id, since=future)) == []


def test_overview_counts_one_survey(client: Client, survey_id: str) -> None:
    made = make_sessions(client, survey_id, 4)
    client.send_events(made[0], pointer_events(25))
    client.analyze(made[0])
    overview = client.overview(survey_id=survey_id)
    assert overview.totals.sessions == 4
    assert overview.totals.analyzed == 1
    assert overview.totals.events == 25
    assert [g.key for g in overview.by_survey] == [survey_id]
    assert [g.key for g in overview.by_platform] == ["decipher"]
    assert sum(overview.risk_distribution.values()) == 1
    assert overview.granularity in {"hour", "day"}


def test_a_made_up_cursor_is_a_bad_request(client: Client) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.list_sessions(cursor="not-a-cursor")
    assert caught.value.status_code == 400
    assert "cursor" in caught.value.message


def test_an_empty_window_is_refused(client: Client) -> None:
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(BadRequestError, match="since"):
        client.overview(since=now, until=now - dt.timedelta(hours=1))


def test_overview_with_a_datetime_without_offset_is_not_a_server_error(
    service: LiveService, secret_key: str
) -> None:
    naive = dt.datetime.now() - dt.timedelta(days=1)
    with Client(base_url=service.url, api_key=secret_key, max_retries=0) as client:
        assert client.list_sessions(since=naive, limit=1) is not None
        # Refusing it (4xx) is as good as reading it as UTC.
        with contextlib.suppress(BadRequestError, UnprocessableEntityError):
            client.overview(since=naive)
