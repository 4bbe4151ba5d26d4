"""Decision rules: which one governs a survey, saving one, and relabelling what it governs.

A survey's own rule wins; else the install's; else the model's calibrated threshold with no
review band. Saving or removing a rule rewrites the stored decision of the sessions it governs
in one statement (no re-analysis) and corrects the overview's counters by the difference.
"""

from __future__ import annotations

import time

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.dashboard.rollups import CounterBuffer
from botsieve.decisions.repository import DecisionRepository
from botsieve.decisions.rule import DECISIONS, Decision, Rule, decide
from botsieve.decisions.schemas import (
    Change,
    PreviewIn,
    PreviewOut,
    RuleIn,
    RuleOut,
    RulesOut,
    Saved,
)
from botsieve.kit.errors import BadRequest, NotFound
from botsieve.models import DecisionRule
from botsieve.models.base import utcnow
from botsieve.models.decisions import INSTALL_RULE

log = structlog.get_logger()

__all__ = ["decide", "follow_model", "preview", "remove", "rule_for", "rules", "save"]


def _out(row: DecisionRule | None, survey_id: str | None, model_threshold: float) -> RuleOut:
    if row is None:
        return RuleOut(
            threshold=model_threshold,
            survey_id=survey_id,
            source="model",
            model_threshold=model_threshold,
        )
    return RuleOut(
        threshold=row.threshold,
        review_from=row.review_from,
        survey_id=survey_id,
        source="install" if row.survey_id == INSTALL_RULE else "survey",
        model_threshold=model_threshold,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def as_rule(rule: RuleIn) -> Rule:
    return Rule(threshold=rule.threshold, review_from=rule.review_from)


async def rule_for(db: AsyncSession, survey_id: str | None, model_threshold: float) -> RuleOut:
    """The rule in force for a survey (None: the install's)."""
    repo = DecisionRepository(db)
    own = await repo.get(survey_id) if survey_id else None
    if own is not None:
        return _out(own, survey_id, model_threshold)
    return _out(await repo.get(INSTALL_RULE), survey_id, model_threshold)


# (survey, model threshold) -> the rule in force and when it was read. The survey platforms'
# calls read it by the hundred a second; saving, removing or the model moving the rule forgets
# them all in this process, and other processes within their ``cache_seconds``.
_remembered: dict[tuple[str, float], tuple[Rule, float]] = {}
MAX_REMEMBERED = 4096


async def current_rule(
    db: AsyncSession, survey_id: str, model_threshold: float, *, cache_seconds: float = 0.0
) -> Rule:
    """The rule in force; ``cache_seconds`` > 0 takes one this process read that recently."""
    key = (survey_id, model_threshold)
    remembered = remembered_rule(survey_id, model_threshold, cache_seconds)
    if remembered is not None:
        return remembered
    rule = as_rule(await rule_for(db, survey_id, model_threshold))
    if cache_seconds > 0:
        if len(_remembered) >= MAX_REMEMBERED:
            _remembered.clear()
        _remembered[key] = (rule, time.monotonic())
    return rule


def remembered_rule(survey_id: str, model_threshold: float, cache_seconds: float) -> Rule | None:
    """The rule this process read within ``cache_seconds``, if it did (no database)."""
    found = _remembered.get((survey_id, model_threshold)) if cache_seconds > 0 else None
    if found is not None and time.monotonic() - found[1] <= cache_seconds:
        return found[0]
    return None


def forget_rules() -> None:
    _remembered.clear()


async def rules(db: AsyncSession, model_threshold: float) -> RulesOut:
    rows = await DecisionRepository(db).all()
    install = next((r for r in rows if r.survey_id == INSTALL_RULE), None)
    return RulesOut(
        install=_out(install, None, model_threshold),
        surveys=[_out(r, r.survey_id, model_threshold) for r in rows if r is not install],
    )


def _check_survey(survey_id: str | None) -> None:
    if survey_id == INSTALL_RULE:
        raise BadRequest(f"'{INSTALL_RULE}' is not a survey id.")


async def _relabel(
    db: AsyncSession, counters: CounterBuffer, survey_id: str | None, rule: Rule
) -> int:
    repo = DecisionRepository(db)
    for bucket, survey, platform, change in await repo.exclusion_deltas(survey_id, rule):
        counters.record(bucket, survey, platform, bots=change)
    return await repo.relabel(survey_id, rule)


async def save(
    db: AsyncSession,
    counters: CounterBuffer,
    survey_id: str | None,
    rule: RuleIn,
    by: str,
    model_threshold: float,
) -> Saved:
    """Save the survey's rule (None: the install's) and relabel the sessions it governs."""
    _check_survey(survey_id)
    await DecisionRepository(db).put(survey_id or INSTALL_RULE, as_rule(rule), utcnow(), by)
    forget_rules()
    relabelled = await _relabel(db, counters, survey_id, as_rule(rule))
    return Saved(rule=await rule_for(db, survey_id, model_threshold), relabelled=relabelled)


async def remove(
    db: AsyncSession, counters: CounterBuffer, survey_id: str | None, model_threshold: float
) -> Saved:
    """Drop the survey's rule (or the install's): its sessions fall back to the next rule."""
    _check_survey(survey_id)
    repo = DecisionRepository(db)
    if await repo.get(survey_id or INSTALL_RULE) is None:
        raise NotFound(
            "No rule is saved for " + (f"survey {survey_id}." if survey_id else "the install.")
        )
    await repo.delete(survey_id or INSTALL_RULE)
    forget_rules()
    fallback = await rule_for(db, survey_id, model_threshold)
    relabelled = await _relabel(db, counters, survey_id, as_rule(fallback))
    return Saved(rule=fallback, relabelled=relabelled)


async def follow_model(
    db: AsyncSession, counters: CounterBuffer, threshold: float, version: str
) -> int:
    """After a model with a new calibrated threshold is loaded: relabel the sessions that
    follow the model's threshold (no survey rule, no install rule), as saving a rule would."""
    repo = DecisionRepository(db)
    if not await repo.move_model_basis(threshold, version, utcnow()):
        return 0
    forget_rules()
    if await repo.get(INSTALL_RULE) is not None:
        return 0  # every survey without its own rule follows the install's
    relabelled = await _relabel(db, counters, None, Rule(threshold=threshold))
    log.info("decisions_follow_model", threshold=threshold, model=version, relabelled=relabelled)
    return relabelled


async def preview(db: AsyncSession, proposal: PreviewIn) -> PreviewOut:
    """What saving ``proposal`` would change, without saving it."""
    _check_survey(proposal.survey_id)
    transitions = await DecisionRepository(db).transitions(proposal.survey_id, as_rule(proposal))
    before: dict[Decision, int] = dict.fromkeys(DECISIONS, 0)
    after: dict[Decision, int] = dict.fromkeys(DECISIONS, 0)
    changes = []
    for was, will, count in transitions:
        before[was] += count  # type: ignore[index]
        after[will] += count  # type: ignore[index]
        if was != will:
            changes.append(Change(before=was, after=will, sessions=count))  # type: ignore[arg-type]
    return PreviewOut(
        sessions=sum(before.values()),
        before=before,
        after=after,
        changes=sorted(changes, key=lambda c: -c.sessions),
    )
