"""Liveness, readiness and metrics."""

from __future__ import annotations

from tests.factories import mouse_path, new_session, send_events


async def test_liveness(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readiness_checks_the_database_and_redis_when_set(client, app):
    response = await client.get("/health/ready")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert ("redis" in checks) == (app.state.botsieve.redis is not None)


async def test_readiness_reports_a_dead_database(client, app, tmp_path):
    from botsieve.kit.db import create_engine

    state = app.state.botsieve
    working = state.db_engine
    state.db_engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        response = await client.get("/health/ready")
    finally:
        await state.db_engine.dispose()
        state.db_engine = working
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error")


async def test_metrics_count_requests_events_and_analyses(client, admin):
    session = await new_session(client, admin, platform="decipher")
    await send_events(client, admin, session, mouse_path(25))
    await client.post(f"/api/v1/detection/sessions/{session['session_id']}/analyze", headers=admin)
    text = (await client.get("/metrics", headers=admin)).text
    assert (
        'botsieve_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/api/v1/detection/sessions/{session_id}/events"}'
        in text
    )
    assert 'botsieve_events_ingested_total{event_type="mousemove"}' in text
    assert 'botsieve_sessions_created_total{platform="decipher"}' in text
    assert "botsieve_analyses_total{verdict=" in text
    assert "botsieve_analysis_duration_seconds_count" in text


async def test_request_id_is_echoed_or_made(client):
    response = await client.get("/health", headers={"X-Request-ID": "abc12345-trace"})
    assert response.headers["x-request-id"] == "abc12345-trace"
    made = await client.get("/health", headers={"X-Request-ID": "bad id"})
    assert made.headers["x-request-id"] != "bad id"
    assert len(made.headers["x-request-id"]) == 32


async def test_unknown_path_uses_the_error_shape(client):
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_metrics_need_a_secret_key_or_the_scrape_token(client, app, admin, browser):
    from pydantic import SecretStr

    assert (await client.get("/metrics")).status_code == 401
    assert (await client.get("/metrics", headers=browser)).status_code == 403
    assert (await client.get("/metrics", headers=admin)).status_code == 200
    settings = app.state.botsieve.settings
    settings.metrics_token = SecretStr("scrape-" + "t" * 30)
    scrape = {"Authorization": "Bearer scrape-" + "t" * 30}
    assert (await client.get("/metrics", headers=scrape)).status_code == 200
    wrong = {"Authorization": "Bearer scrape-" + "u" * 30}
    assert (await client.get("/metrics", headers=wrong)).status_code == 401
