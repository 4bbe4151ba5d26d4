"""One deletion path: a respondent's or a session's data leaves every table, with an audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from sqlalchemy import select, update

from botsieve.integrations import outbox
from botsieve.integrations.webhooks import signature_header
from botsieve.kit.db import transaction
from botsieve.maintenance.service import purge_expired
from botsieve.models import Base, DeletionRecord, OutboxJob, ScoredResponse, Session
from botsieve.models.base import utcnow
from botsieve.privacy.rules import TABLE_RULES
from botsieve.privacy.service import subject_digest
from tests.integrations.conftest import BASE, create_integration, human_session
from tests.integrations.standins.decipher import logic_node_call

SURVEY = "selfserve/9d3/privacy"
SCORE = f"{BASE}/decipher/score"


def test_every_table_has_an_erasure_and_a_retention_rule():
    missing = set(Base.metadata.tables) - set(TABLE_RULES)
    assert not missing, f"say in privacy/rules.py how respondent data leaves {sorted(missing)}"
    assert not set(TABLE_RULES) - set(Base.metadata.tables), "a rule names no table"


async def _everything(app) -> str:
    """Every row of every table, as text to search for what a respondent left."""
    dumped = []
    async with transaction(app.state.botsieve.sessionmaker) as db:
        for table in Base.metadata.sorted_tables:
            for row in await db.execute(select(table)):
                dumped.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(dumped)


class Survey:
    """A Decipher survey and a generic form on the same survey id, with a webhook receiver."""

    def __init__(self, app, client, admin, receiver):
        self.app, self.client, self.admin, self.receiver = app, client, admin, receiver

    async def start(self) -> None:
        self.decipher = await create_integration(
            self.client, self.admin, platform="decipher", survey_id=SURVEY
        )
        self.generic = await create_integration(
            self.client, self.admin, platform="generic", survey_id=SURVEY
        )
        _, server = self.receiver
        reply = await self.client.post(
            f"{BASE}/webhooks", json={"url": f"{server.url}/hooks"}, headers=self.admin
        )
        assert reply.status_code == 201, reply.text

    async def respondent(self, response_id: str, answer: str) -> dict[str, Any]:
        """A collected session, its Decipher verdict, and a form completion with an answer."""
        sid = await human_session(self.client, self.admin, response_id, survey_id=SURVEY)
        reply = await self.score(response_id, sid)
        assert reply["status"] == "ok", reply
        data = {"response_id": response_id, "session_id": sid, "answers": {"Q9": answer}}
        body = orjson.dumps({"id": f"evt_{response_id}", "type": "completed", "data": data})
        headers = {"Botsieve-Signature": signature_header([self.generic["shared_key"]], body)}
        posted = await self.client.post(self.generic["event_path"], content=body, headers=headers)
        assert posted.status_code == 200, posted.text
        return {"session_id": sid, "reply": reply}

    async def score(self, response_id: str, sid: str) -> dict[str, Any]:
        body, headers = logic_node_call(self.decipher["token"], SURVEY, response_id, sid)
        reply = await self.client.post(SCORE, content=body, headers=headers)
        assert reply.status_code == 200, reply.text
        return dict(reply.json())


async def _audit(app) -> list[DeletionRecord]:
    async with transaction(app.state.botsieve.sessionmaker) as db:
        return list(await db.scalars(select(DeletionRecord)))


async def test_deleting_a_respondent_leaves_nothing_that_names_them(
    app, client, admin, receiver, outbound
):
    survey = Survey(app, client, admin, receiver)
    await survey.start()
    gone = await survey.respondent("resp-gone", "my phone is 555-0101")
    await outbox.run_once(app.state.botsieve, outbound)  # scores; queues more deliveries
    await survey.respondent("resp-kept", "nothing to add")
    before = await _everything(app)
    assert "resp-gone" in before and "555-0101" in before

    reply = await client.delete(
        "/api/v1/detection/respondents",
        params={"survey_id": SURVEY, "respondent_id": "resp-gone"},
        headers=admin,
    )
    assert reply.status_code == 200 and reply.json() == {"sessions_deleted": 1}

    after = await _everything(app)
    for trace in ("resp-gone", gone["session_id"], "555-0101"):
        assert trace not in after, trace
    assert "resp-kept" in after and "nothing to add" in after
    # The platform asks again with the old session: no verdict is left to hand out.
    again = await survey.score("resp-gone", gone["session_id"])
    assert again["status"] != "ok" and again["verdict"] != gone["reply"]["verdict"]


async def test_the_deletion_is_audited_without_the_data(app, client, admin, receiver):
    survey = Survey(app, client, admin, receiver)
    await survey.start()
    await survey.respondent("resp-audit", "a private answer")
    params = {"survey_id": SURVEY, "respondent_id": "resp-audit"}
    await client.delete("/api/v1/detection/respondents", params=params, headers=admin)
    [record] = await _audit(app)
    assert record.scope == "respondent" and record.requested_by.startswith("key:")
    assert record.counts["sessions"] == 1
    assert record.counts["integration_responses"] == 1
    assert record.counts["integration_outbox"] >= 2  # the form's job and the webhook delivery
    secret = app.state.botsieve.settings.secret
    assert record.subject_digest == subject_digest(secret, "respondent", SURVEY, "resp-audit")
    assert "resp-audit" not in repr(record.__dict__)


async def test_deleting_a_session_takes_what_was_scored_from_it(app, client, admin, receiver):
    survey = Survey(app, client, admin, receiver)
    await survey.start()
    gone = await survey.respondent("resp-s1", "first")
    await survey.respondent("resp-s2", "second")
    reply = await client.delete(f"/api/v1/detection/sessions/{gone['session_id']}", headers=admin)
    assert reply.json() == {"sessions_deleted": 1}
    after = await _everything(app)
    assert gone["session_id"] not in after and "resp-s1" not in after
    assert "resp-s2" in after
    [record] = await _audit(app)
    assert record.scope == "session" and record.counts["integration_responses"] == 1


async def test_retention_purges_scored_responses_and_old_jobs(
    app, client, admin, receiver, outbound
):
    survey = Survey(app, client, admin, receiver)
    await survey.start()
    await survey.respondent("resp-old", "old answer")
    await outbox.run_once(app.state.botsieve, outbound)
    long_ago = utcnow() - dt.timedelta(days=40)
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await db.execute(update(ScoredResponse).values(created_at=long_ago))
        await db.execute(update(OutboxJob).values(created_at=long_ago))
    await survey.respondent("resp-new", "new answer")
    async with transaction(app.state.botsieve.sessionmaker) as db:
        await purge_expired(db, retention_days=30)
    assert "old answer" not in await _everything(app)
    async with transaction(app.state.botsieve.sessionmaker) as db:
        scored = set(await db.scalars(select(ScoredResponse.response_id)))
        collected = set(await db.scalars(select(Session.respondent_id)))
    assert scored == {"resp-new"}
    # The session has not expired, so it stays; what was scored from it long ago does not.
    assert collected == {"resp-old", "resp-new"}
    [record] = await _audit(app)
    assert record.scope == "retention" and record.subject_digest is None
    assert record.counts["integration_responses"] >= 2
