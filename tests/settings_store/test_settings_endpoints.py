"""Dashboard settings: defaults until saved, saved per group, and kept across restarts."""

from __future__ import annotations

from botsieve.app import create_app
from tests.users.conftest import https_client, login, make_user


async def test_defaults_until_something_is_saved(client, admin):
    body = (await client.get("/api/v1/settings", headers=admin)).json()
    assert body["thresholds"] == {"alert_risk_levels": ["high", "critical"]}
    assert body["retention"] == {"retention_days": 90.0}
    assert body["updated_at"] is None


async def test_a_saved_group_replaces_only_itself_and_names_who_saved_it(app):
    await make_user(app, "admin")
    async with https_client(app) as web:
        csrf = await login(web, "admin@example.org")
        saved = await web.put(
            "/api/v1/settings",
            json={"thresholds": {"alert_risk_levels": ["critical"]}},
            headers=csrf,
        )
    body = saved.json()
    assert body["thresholds"]["alert_risk_levels"] == ["critical"]
    assert body["retention"]["retention_days"] == 90.0
    assert body["updated_by"] == "admin@example.org"


async def test_settings_survive_a_restart(app, client, admin, settings):
    await client.put("/api/v1/settings", json={"retention": {"retention_days": 30}}, headers=admin)
    restarted = create_app(settings)
    async with restarted.router.lifespan_context(restarted), https_client(restarted) as again:
        body = (await again.get("/api/v1/settings", headers=admin)).json()
    assert body["retention"]["retention_days"] == 30


async def test_out_of_range_values_are_refused(client, admin):
    response = await client.put(
        "/api/v1/settings", json={"thresholds": {"alert_risk_levels": ["severe"]}}, headers=admin
    )
    assert response.status_code == 422


async def test_keys_are_shown_once_listed_without_secret_and_revoked(client, admin):
    created = await client.post(
        "/api/v1/keys",
        json={"name": "survey", "kind": "publishable", "allowed_origins": ["https://S.example"]},
        headers=admin,
    )
    assert created.status_code == 201
    key = created.json()
    assert key["key"].startswith("bs_pk_") and key["allowed_origins"] == ["https://s.example"]
    listed = (await client.get("/api/v1/keys", headers=admin)).json()
    assert all("key" not in k for k in listed)
    assert key["id"] in [k["id"] for k in listed]
    assert (await client.delete(f"/api/v1/keys/{key['id']}", headers=admin)).status_code == 204
    listed = (await client.get("/api/v1/keys", headers=admin)).json()
    assert key["id"] not in [k["id"] for k in listed]
    browser = {"Authorization": f"Bearer {key['key']}", "Origin": "https://s.example"}
    refused = await client.post(
        "/api/v1/detection/sessions",
        json={"platform": "web", "survey_id": "SV"},
        headers=browser,
    )
    assert refused.status_code == 401
