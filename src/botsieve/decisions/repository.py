"""Rules, and the statements that read and rewrite sessions' decisions under a rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.dashboard.rollups import hour_bucket
from botsieve.decisions.rule import INSUFFICIENT, REVIEWED, Rule
from botsieve.models import DecisionRule, ModelBasis, Session
from botsieve.models.decisions import INSTALL_RULE

MODEL_BASIS = "model"


def decision_sql(rule: Rule) -> ColumnElement[str]:
    """``rule.decide`` as SQL over a session's review, stored verdict and probability."""
    whens: list[tuple[Any, Any]] = [
        *[(Session.review_state == state, literal(d)) for state, d in REVIEWED.items()],
        (Session.verdict == INSUFFICIENT, literal(INSUFFICIENT)),
        (Session.bot_probability >= rule.threshold, literal("exclude")),
    ]
    if rule.review_from is not None:
        whens.append((Session.bot_probability >= rule.review_from, literal("review")))
    return case(*whens, else_=literal("keep"))


class DecisionRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, survey_id: str) -> DecisionRule | None:
        return await self.db.get(DecisionRule, survey_id)

    async def all(self) -> list[DecisionRule]:
        return list(await self.db.scalars(select(DecisionRule).order_by(DecisionRule.survey_id)))

    async def put(self, survey_id: str, rule: Rule, when: dt.datetime, by: str) -> None:
        row = await self.get(survey_id)
        if row is None:
            row = DecisionRule(survey_id=survey_id)
            self.db.add(row)
        row.threshold, row.review_from = rule.threshold, rule.review_from
        row.updated_at, row.updated_by = when, by
        await self.db.flush()

    async def move_model_basis(self, threshold: float, version: str, when: dt.datetime) -> bool:
        """Record the model's threshold; True when it differs from the one recorded (or none
        was). The conditional UPDATE holds the row, so of several instances starting at once
        only one sees the change and relabels."""
        changed = await self.db.execute(
            update(ModelBasis)
            .where(ModelBasis.name == MODEL_BASIS, ModelBasis.threshold != threshold)
            .values(threshold=threshold, model_version=version, updated_at=when)
            .execution_options(synchronize_session=False)
        )
        if getattr(changed, "rowcount", 0):
            return True
        if await self.db.get(ModelBasis, MODEL_BASIS) is not None:
            return False
        try:
            async with self.db.begin_nested():
                self.db.add(
                    ModelBasis(
                        name=MODEL_BASIS,
                        threshold=threshold,
                        model_version=version,
                        updated_at=when,
                    )
                )
        except IntegrityError:  # another instance recorded it first, and relabels
            return False
        return True

    async def delete(self, survey_id: str) -> None:
        await self.db.execute(delete(DecisionRule).where(DecisionRule.survey_id == survey_id))

    def scope(self, survey_id: str | None) -> ColumnElement[bool]:
        """The analysed sessions a rule governs: its survey's, or those of surveys without one."""
        analysed = Session.bot_probability.is_not(None)
        if survey_id is not None:
            return analysed & (Session.survey_id == survey_id)
        own = select(DecisionRule.survey_id).where(DecisionRule.survey_id != INSTALL_RULE)
        return analysed & Session.survey_id.not_in(own)

    async def transitions(self, survey_id: str | None, rule: Rule) -> list[tuple[str, str, int]]:
        """(decision now, decision under ``rule``, sessions) over the rule's scope."""
        new = decision_sql(rule)
        now = func.coalesce(Session.decision, "keep")
        rows = await self.db.execute(
            select(now, new, func.count()).where(self.scope(survey_id)).group_by(now, new)
        )
        return [(str(a), str(b), int(n)) for a, b, n in rows]

    async def exclusion_deltas(
        self, survey_id: str | None, rule: Rule
    ) -> list[tuple[dt.datetime, str, str, int]]:
        """Per hour, survey and platform: the change in excluded sessions ``rule`` would make."""
        hour = hour_bucket(self.db.get_bind().dialect.name)
        is_excluded = func.coalesce(Session.decision, "keep") == "exclude"
        will_be = decision_sql(rule) == "exclude"
        delta = func.sum(case((will_be & ~is_excluded, 1), (is_excluded & ~will_be, -1), else_=0))
        rows = await self.db.execute(
            select(hour, Session.survey_id, Session.platform, delta)
            .where(self.scope(survey_id))
            .group_by(hour, Session.survey_id, Session.platform)
        )
        out = []
        for bucket, survey, platform, change in rows:
            if change:
                moment = (
                    bucket if isinstance(bucket, dt.datetime) else dt.datetime.fromisoformat(bucket)
                )
                out.append((moment, survey, platform, int(change)))
        return out

    async def relabel(self, survey_id: str | None, rule: Rule) -> int:
        """Rewrite the decision (and ``is_bot``) of every session the rule governs."""
        new = decision_sql(rule)
        result = await self.db.execute(
            update(Session)
            .where(self.scope(survey_id), func.coalesce(Session.decision, "") != new)
            .values(decision=new, is_bot=(new == "exclude"))
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
