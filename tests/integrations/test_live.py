"""The score call and the entry check answer on the driver, as the ORM way would.

With the token and the survey's rule remembered (``key_cache_seconds``) a call runs no ORM
statement: one statement on the driver reads what it decides on (integrations/live.py). What
it answers is what scoring.py's ORM way answers in the same situation, which the completion
job, the Decipher back-fill and the calls that analyse themselves still take.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, event, select

from botsieve.analysis import background
from botsieve.decisions import service as decisions
from botsieve.integrations import entry, live, scoring, service, tokens
from botsieve.kit.db import transaction
from botsieve.kit.settings import Settings
from botsieve.models import Integration, ScoredResponse, Session, SessionBinding
from tests.factories import mouse_path, new_session, send_events
from tests.integrations.conftest import BASE, SURVEY, create_integration

SCORE = f"{BASE}/qualtrics/score"
ENTRY = f"{BASE}/qualtrics/entry"
# What a platform call could touch through the ORM (not the counters' or leases' own work).
CALL_TABLES = ("integration", "sessions", "detection_results", "decision_rules")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "key_cache_seconds": 60.0,
            "integrations_inline_analysis": False,
            "analysis_quiet_seconds": 0.05,
        }
    )


pytestmark = pytest.mark.usefixtures("nothing_remembered")


@contextlib.contextmanager
def orm_statements(app: Any) -> Iterator[list[str]]:
    """The statements the app's SQLAlchemy engine runs meanwhile on the calls' tables."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if any(table in statement for table in CALL_TABLES):
            seen.append(statement)

    engine = app.state.botsieve.db_engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def call(client, path: str, token: str, response_id: str, sid: str = "") -> dict[str, Any]:
    body = {"survey_id": SURVEY, "response_id": response_id, "session_id": sid}
    reply = await client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.text
    result: dict[str, Any] = reply.json()
    return result


async def analysed_session(app, client, admin, respondent: str | None, events: int = 120) -> str:
    session = await new_session(client, admin, survey_id=SURVEY, respondent_id=respondent)
    assert (await send_events(client, admin, session, mouse_path(events))).status_code == 202
    queue = background.of(app.state.botsieve)
    assert queue is not None
    await queue.settle()
    return str(session["session_id"])


async def test_a_call_on_an_analysed_session_runs_no_orm_statement(app, client, admin):
    created = await create_integration(client, admin)
    token = created["token"]
    sid = await analysed_session(app, client, admin, "R_1")
    await call(client, ENTRY, token, "R_warm")  # the token and the rule are now remembered
    with orm_statements(app) as seen:
        at_entry = await call(client, ENTRY, token, "R_1", sid)
        at_end = await call(client, SCORE, token, "R_1", sid)
        again = await call(client, SCORE, token, "R_1", sid)
    assert seen == []
    assert at_entry["status"] == "ok" and at_entry["decision"] in ("pass", "review", "block")
    assert at_end["status"] == "ok" and at_end["score"] != "" and again == at_end
    # What the ORM way would have stored: the binding, the verdict, the completed session.
    async with transaction(app.state.botsieve.sessionmaker) as db:
        session = await db.get(Session, uuid.UUID(sid))
        binding = await db.get(SessionBinding, uuid.UUID(sid))
        stored = await db.scalar(select(ScoredResponse).where(ScoredResponse.response_id == "R_1"))
    assert session is not None and session.is_completed and session.status == "completed"
    assert binding is not None and binding.response_id == "R_1"
    assert stored is not None and stored.status == "ok" and stored.session_id == uuid.UUID(sid)
    assert f"{stored.score:.3f}" == at_end["score"] and stored.updated_at is None


async def _integration(app: Any, token: str) -> Integration:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        return await service.by_token(db, token, "qualtrics")


async def _orm_way(app: Any, row: Integration, response_id: str, sid: str) -> dict[str, Any]:
    state = app.state.botsieve
    async with transaction(state.sessionmaker) as db:
        at_entry = await entry.entry_check(db, state, row, response_id, sid)
    async with transaction(state.sessionmaker) as db:
        scored, _ = await scoring.score_response(db, state, row, response_id, sid)
        at_end = scoring.reply_of(scored, await scoring.decision_for(db, scored))
    return {"entry": at_entry.model_dump(), "end": at_end.model_dump()}


async def _live_way(app: Any, row: Integration, response_id: str, sid: str) -> dict[str, Any]:
    state = app.state.botsieve
    at_entry = await live.entry_check(state, row, response_id, sid)
    found = await live.score(state, row, response_id, sid)
    assert at_entry is not None and found is not None
    return {"entry": at_entry.model_dump(), "end": found[0].model_dump()}


async def _forget(app: Any, response_id: str) -> None:
    """As if the response had never called: its stored verdict and its binding gone."""
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await db.execute(delete(ScoredResponse).where(ScoredResponse.response_id == response_id))
        await db.execute(delete(SessionBinding).where(SessionBinding.response_id == response_id))


@pytest.mark.parametrize(
    "situation", ["analysed", "too_few_events", "no_session", "not_an_id", "reused"]
)
async def test_the_live_way_answers_as_the_orm_way(app, client, admin, situation):
    created = await create_integration(client, admin)
    row = await _integration(app, created["token"])
    sid = {"no_session": "", "not_an_id": "not-a-session"}.get(situation, "")
    if situation in ("analysed", "too_few_events", "reused"):
        events = 10 if situation == "too_few_events" else 120
        sid = await analysed_session(app, client, admin, None, events)
    if situation == "reused":
        await _live_way(app, row, "R_first", sid)  # another response presented it first
    replies = []
    for way in (_orm_way, _live_way):  # the same response, the same session, in turn
        replies.append(await way(app, row, "R_1", sid))
        await _forget(app, "R_1")
    orm, on_the_driver = replies
    assert on_the_driver == orm
    expected = {
        "analysed": "ok",
        "too_few_events": "provisional",
        "no_session": "no_session",
        "not_an_id": "no_session",
        "reused": "session_reused",
    }[situation]
    assert orm["end"]["status"] == expected and orm["entry"]["status"] == expected


async def test_a_session_presented_by_several_responses_at_once_vouches_for_one(app, client, admin):
    created = await create_integration(client, admin)
    sid = await analysed_session(app, client, admin, None)
    replies = await asyncio.gather(
        *(call(client, ENTRY, created["token"], f"R_{i}", sid) for i in range(6))
    )
    statuses = sorted(r["status"] for r in replies)
    assert statuses == ["ok"] + ["session_reused"] * 5
    assert [r["decision"] for r in replies if r["status"] == "session_reused"] == ["block"] * 5


async def test_calls_arriving_together_with_nothing_remembered_look_up_once(app, client, admin):
    created = await create_integration(client, admin)
    token = created["token"]
    with orm_statements(app) as alone:
        await call(client, ENTRY, token, "R_alone")
    tokens.forget_all()
    decisions.forget_rules()
    with orm_statements(app) as together:
        await asyncio.gather(*(call(client, ENTRY, token, f"R_{i}") for i in range(10)))
    # The token's and the rule's lookups, as for one call (none of these has a session).
    assert alone and len(together) == len(alone)


async def test_a_repeat_commits_nothing_and_an_entry_check_on_a_bound_session_one_statement(
    app, client, admin, monkeypatch
):
    created = await create_integration(client, admin)
    token = created["token"]
    sid = await analysed_session(app, client, admin, "R_1")
    first = await call(client, ENTRY, token, "R_1", sid)
    at_end = await call(client, SCORE, token, "R_1", sid)
    raw_db, opened = app.state.botsieve.raw_db, []
    for name in ("transaction", "fetchrow_alone"):
        real = getattr(raw_db, name)
        monkeypatch.setattr(raw_db, name, lambda *a, _r=real, _n=name: opened.append(_n) or _r(*a))
    assert await call(client, ENTRY, token, "R_1", sid) == first
    at_entry, opened[:] = list(opened), []
    assert await call(client, SCORE, token, "R_1", sid) == at_end
    assert opened == []
    # On PostgreSQL the entry check reads and binds in one statement of its own (here it binds
    # nothing: the session is bound); elsewhere it only reads.
    on_postgres = raw_db.name == "postgresql"
    assert at_entry == (["fetchrow_alone"] if on_postgres else [])
    async with transaction(app.state.botsieve.sessionmaker) as db:
        bindings = (await db.scalars(select(SessionBinding))).all()
    assert [(b.session_id, b.response_id) for b in bindings] == [(uuid.UUID(sid), "R_1")]


async def test_a_provisional_verdict_is_rewritten_and_the_session_completed_once_analysed(
    app, client, admin
):
    created = await create_integration(client, admin)
    token = created["token"]
    session = await new_session(client, admin, survey_id=SURVEY, respondent_id="R_1")
    sid = str(session["session_id"])
    assert (await send_events(client, admin, session, mouse_path(10))).status_code == 202
    early = await call(client, SCORE, token, "R_1", sid)
    assert early["status"] == "provisional"
    more = mouse_path(120, start_t=1_000.0)
    assert (await send_events(client, admin, session, more, "b2")).status_code == 202
    queue = background.of(app.state.botsieve)
    assert queue is not None
    await queue.settle()
    with orm_statements(app) as seen:
        late = await call(client, SCORE, token, "R_1", sid)
    assert seen == [] and late["status"] == "ok" and late["score"] != ""
    async with transaction(app.state.botsieve.sessionmaker) as db:
        stored = await db.scalar(select(ScoredResponse).where(ScoredResponse.response_id == "R_1"))
        completed = await db.get(Session, uuid.UUID(sid))
    assert stored is not None and stored.status == "ok" and stored.updated_at is not None
    assert f"{stored.score:.3f}" == late["score"]
    assert completed is not None and completed.is_completed and completed.status == "completed"


async def test_end_calls_of_one_response_arriving_together_store_one_verdict(app, client, admin):
    created = await create_integration(client, admin)
    sid = await analysed_session(app, client, admin, "R_1")
    replies = await asyncio.gather(
        *(call(client, SCORE, created["token"], "R_1", sid) for _ in range(6))
    )
    assert all(r == replies[0] for r in replies) and replies[0]["status"] == "ok"
    async with transaction(app.state.botsieve.sessionmaker) as db:
        stored = (
            await db.scalars(select(ScoredResponse).where(ScoredResponse.response_id == "R_1"))
        ).all()
        completed = await db.get(Session, uuid.UUID(sid))
    assert len(stored) == 1 and f"{stored[0].score:.3f}" == replies[0]["score"]
    assert completed is not None and completed.is_completed
