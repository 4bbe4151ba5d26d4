"""/api/v1/settings (thresholds, retention, alerts) and /api/v1/keys (API keys)."""

from __future__ import annotations

from fastapi import APIRouter

from botsieve.auth import service as keys
from botsieve.auth.schemas import ApiKeyOut, CreatedApiKey
from botsieve.kit.deps import DbDep, StateDep
from botsieve.settings_store import service
from botsieve.settings_store.schemas import (
    DashboardSettingsDoc,
    DashboardSettingsUpdate,
    KeyCreate,
)
from botsieve.users.deps import Admin, Viewer

settings_router = APIRouter(prefix="/settings", tags=["settings"])
keys_router = APIRouter(prefix="/keys", tags=["settings"])


@settings_router.get("", response_model=DashboardSettingsDoc)
async def read_settings(_: Viewer, db: DbDep) -> DashboardSettingsDoc:
    return await service.read(db)


@settings_router.put("", response_model=DashboardSettingsDoc)
async def save_settings(
    body: DashboardSettingsUpdate, actor: Admin, db: DbDep
) -> DashboardSettingsDoc:
    """Save the groups given; they survive restarts."""
    return await service.save(db, body, actor.name)


@keys_router.get("", response_model=list[ApiKeyOut])
async def list_keys(_: Admin, db: DbDep, include_revoked: bool = False) -> list[ApiKeyOut]:
    """API keys (never the keys themselves)."""
    return await keys.list_keys(db, include_revoked)


@keys_router.post("", response_model=CreatedApiKey, status_code=201)
async def create_key(body: KeyCreate, _: Admin, db: DbDep, state: StateDep) -> CreatedApiKey:
    """Create a key; the reply holds the key itself, shown this once and never again."""
    created = await keys.create_key(
        db, name=body.name, kind=body.kind, allowed_origins=body.allowed_origins
    )
    state.keys.remember(created.prefix)
    return created


@keys_router.delete("/{key_id}", status_code=204)
async def revoke_key(key_id: str, _: Admin, db: DbDep, state: StateDep) -> None:
    """Revoke a key (by id or prefix); it stops working within seconds on every worker."""
    await keys.revoke_key(db, key_id)
    state.keys.forget()
