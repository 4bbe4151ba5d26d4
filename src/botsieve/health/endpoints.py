from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import text

from botsieve import __version__
from botsieve.auth.deps import authenticate, bearer_key
from botsieve.health import gauges
from botsieve.kit.deps import StateDep
from botsieve.kit.errors import Forbidden
from botsieve.kit.metrics import render_metrics
from botsieve.kit.responses import JSON

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, Any]:
    """Liveness: the process answers."""
    return {"status": "ok", "version": __version__}


@router.get("/health/ready", responses={503: {"description": "A dependency is down"}})
async def ready(state: StateDep) -> Response:
    """Readiness: the database answers, and Redis too when it is configured."""
    checks: dict[str, str] = {}
    try:
        async with state.db_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if state.redis is not None:
        try:
            await state.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JSON(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
    )


async def _may_scrape(request: Request, state: StateDep) -> None:
    """Metrics are open in development; elsewhere a scrape token or a secret key is needed."""
    if state.settings.env == "development":
        return
    presented = bearer_key(request)
    token = state.settings.metrics_token
    if (
        token is not None
        and presented
        and hmac.compare_digest(presented.encode(), token.get_secret_value().encode())
    ):
        return
    principal = await authenticate(request, state, presented)
    if not principal.is_secret:
        raise Forbidden("Metrics need the scrape token or a secret key.")


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(_may_scrape)])
async def metrics(state: StateDep) -> Response:
    body, content_type = render_metrics()
    return Response(body + await gauges.render(state), media_type=content_type)
