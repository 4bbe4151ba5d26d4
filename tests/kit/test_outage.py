"""The outage log says once that the database is gone and once that it is back."""

from __future__ import annotations

import pytest

from botsieve.kit import outage


class Said:
    def __init__(self) -> None:
        self.events: list[str] = []

    def error(self, event: str, **_: object) -> None:
        self.events.append(event)

    warning = error


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Said:
    recorder = Said()
    monkeypatch.setattr(outage, "log", recorder)
    return recorder


def test_many_failures_and_successes_log_one_outage(said: Said) -> None:
    log = outage.OutageLog()
    for _ in range(3):
        log.failed(ConnectionError("refused"))
    log.succeeded()
    log.succeeded()
    assert said.events == ["database_unavailable", "database_available_again"]


def test_work_begun_before_the_database_came_back_does_not_start_a_new_outage(said: Said) -> None:
    log = outage.OutageLog()
    log.failed(ConnectionError("refused"))
    log.succeeded()
    log.failed(ConnectionError("refused"), started=log.up_since - 0.5)  # a straggler
    assert said.events == ["database_unavailable", "database_available_again"]
    assert log.down_since is None
    log.failed(ConnectionError("refused"), started=log.up_since + 0.5)  # begun after: new outage
    assert said.events[-1] == "database_unavailable"
    assert log.down_since is not None


def test_work_begun_before_the_outage_was_seen_does_not_end_it(said: Said) -> None:
    log = outage.OutageLog()
    log.failed(ConnectionError("dropped"))
    assert log.down_since is not None
    log.succeeded(started=log.down_since - 0.5)  # answered just after the cut, from before it
    assert said.events == ["database_unavailable"]
    log.failed(ConnectionError("refused"))
    log.succeeded(started=log.down_since + 0.5)  # begun during the outage: the database is back
    assert said.events == ["database_unavailable", "database_available_again"]


def test_a_failure_with_no_start_time_counts(said: Said) -> None:
    log = outage.OutageLog()
    log.failed(ConnectionError("refused"))
    log.succeeded()
    log.failed(ConnectionError("refused"))  # a background task's own attempt: it is now
    assert said.events == [
        "database_unavailable",
        "database_available_again",
        "database_unavailable",
    ]
