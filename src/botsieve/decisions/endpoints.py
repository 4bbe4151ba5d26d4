"""/api/v1/decision-rules: the threshold and review band each survey's verdicts are read with."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from botsieve.decisions import service
from botsieve.decisions.schemas import PreviewIn, PreviewOut, RuleIn, RuleOut, RulesOut, Saved
from botsieve.kit.deps import DbDep, StateDep
from botsieve.kit.text import StorableText
from botsieve.users.deps import Admin, Viewer

router = APIRouter(prefix="/decision-rules", tags=["decision rules"])
SurveyId = Annotated[StorableText, Path(min_length=1, max_length=128)]


@router.get("", response_model=RulesOut)
async def list_rules(_: Viewer, db: DbDep, state: StateDep) -> RulesOut:
    """The install's rule and every survey's own."""
    return await service.rules(db, state.model.threshold)


@router.get("/effective", response_model=RuleOut)
async def effective_rule(
    _: Viewer,
    db: DbDep,
    state: StateDep,
    survey_id: Annotated[StorableText | None, Query(min_length=1, max_length=128)] = None,
) -> RuleOut:
    """The rule in force for a survey (the install's when none is given)."""
    return await service.rule_for(db, survey_id, state.model.threshold)


@router.post("/preview", response_model=PreviewOut)
async def preview_rule(body: PreviewIn, _: Viewer, db: DbDep) -> PreviewOut:
    """How many analysed sessions would change decision under this rule (nothing is saved)."""
    return await service.preview(db, body)


@router.put("/install", response_model=Saved)
async def save_install_rule(body: RuleIn, actor: Admin, db: DbDep, state: StateDep) -> Saved:
    """Save the install's rule; sessions of surveys without their own are relabelled now."""
    return await service.save(db, state.counters, None, body, actor.name, state.model.threshold)


@router.delete("/install", response_model=Saved)
async def reset_install_rule(_: Admin, db: DbDep, state: StateDep) -> Saved:
    """Go back to the model's calibrated threshold (no review band)."""
    return await service.remove(db, state.counters, None, state.model.threshold)


# A Decipher survey is a path (selfserve/9d3/proj1234): the id may hold slashes.
@router.put("/surveys/{survey_id:path}", response_model=Saved)
async def save_survey_rule(
    survey_id: SurveyId, body: RuleIn, actor: Admin, db: DbDep, state: StateDep
) -> Saved:
    """Give a survey its own rule; its sessions are relabelled now, without re-analysis."""
    return await service.save(
        db, state.counters, survey_id, body, actor.name, state.model.threshold
    )


@router.delete("/surveys/{survey_id:path}", response_model=Saved)
async def remove_survey_rule(survey_id: SurveyId, _: Admin, db: DbDep, state: StateDep) -> Saved:
    """Drop the survey's own rule; its sessions follow the install's again."""
    return await service.remove(db, state.counters, survey_id, state.model.threshold)
