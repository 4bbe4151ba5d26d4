"""The FastAPI application: built from settings, with its engines made in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import uuid
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from botsieve import __version__
from botsieve.analysis import background as background_analysis
from botsieve.analysis import model_store
from botsieve.analysis.background import BackgroundAnalysis
from botsieve.analysis.endpoints import router as analysis_router
from botsieve.analysis.service import complete_session
from botsieve.auth.cors import KeyOriginCORSMiddleware
from botsieve.auth.service import KeyVerifier, ensure_stored_key
from botsieve.collector.endpoints import router as collector_router
from botsieve.dashboard.endpoints import router as dashboard_router
from botsieve.dashboard.rollups import CounterBuffer
from botsieve.decisions import service as decisions
from botsieve.decisions.endpoints import router as decisions_router
from botsieve.demo.endpoints import DEMO_SURVEY
from botsieve.demo.endpoints import router as demo_router
from botsieve.health.endpoints import router as health_router
from botsieve.integrations.endpoints import LANES as INTEGRATION_LANES
from botsieve.integrations.endpoints import router as integrations_router
from botsieve.integrations.endpoints import surveys_router
from botsieve.integrations.outbox import clean_up_forever, deliver_forever
from botsieve.kit import leases
from botsieve.kit.authgate import FailedAuthGate
from botsieve.kit.db import create_engine, create_sessionmaker, transaction
from botsieve.kit.encryption import Keyring, use_keyring
from botsieve.kit.errors import install_error_handlers
from botsieve.kit.fastlane import FastLaneMiddleware
from botsieve.kit.limits import EdgeLimitsMiddleware, edge_limits
from botsieve.kit.logging import configure_logging
from botsieve.kit.middleware import RequestContextMiddleware
from botsieve.kit.openapi_errors import document_errors
from botsieve.kit.outage import DatabaseOutageMiddleware
from botsieve.kit.ratelimit import RateLimiter
from botsieve.kit.rawdb import open_raw_database
from botsieve.kit.redispool import open_redis
from botsieve.kit.responses import JSON
from botsieve.kit.security_headers import SecurityHeadersMiddleware, headers_for
from botsieve.kit.settings import Settings, get_settings
from botsieve.kit.state import AppState
from botsieve.kit.text import same_secret
from botsieve.maintenance import partitions
from botsieve.maintenance.service import purge_once
from botsieve.realtime.broadcaster import Broadcaster
from botsieve.realtime.endpoints import router as realtime_router
from botsieve.review.endpoints import router as review_router
from botsieve.sessions.endpoints import BODY_SCHEMAS
from botsieve.sessions.endpoints import LANES as SESSION_LANES
from botsieve.sessions.endpoints import router as sessions_router
from botsieve.sessions.repository import SessionRepository
from botsieve.settings_store.endpoints import keys_router, settings_router
from botsieve.users.endpoints import auth_router, users_router
from botsieve.webapp import apidocs, spa

API_PREFIX = "/api/v1"


def _api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(sessions_router)
    api.include_router(analysis_router)
    api.include_router(dashboard_router)
    api.include_router(integrations_router)
    api.include_router(surveys_router)
    api.include_router(review_router)
    api.include_router(auth_router)
    api.include_router(users_router)
    api.include_router(settings_router)
    api.include_router(keys_router)
    api.include_router(decisions_router)
    api.include_router(realtime_router)
    return api


async def _build_state(settings: Settings) -> AppState:
    use_keyring(Keyring.from_settings(settings))
    cache = settings.database_statement_cache
    engine = create_engine(settings.resolved_database_url, statement_cache=cache)
    sessionmaker = create_sessionmaker(engine)
    redis = open_redis(settings)
    state = AppState(
        settings=settings,
        db_engine=engine,
        sessionmaker=sessionmaker,
        raw_db=await open_raw_database(engine, statement_cache=cache),
        limiter=RateLimiter(
            redis,
            enabled=settings.rate_limit_enabled,
            deadline_seconds=settings.redis_timeout_seconds,
        ),
        keys=KeyVerifier(settings.key_cache_seconds, sessionmaker),
        counters=CounterBuffer(),
        model=model_store.load(),
        redis=redis,
    )
    async with transaction(sessionmaker) as db:
        # A retrained model's new threshold relabels what follows the model (decisions/).
        await decisions.follow_model(db, state.counters, state.model.threshold, state.model.version)
    if settings.demo_is_enabled:
        await _enable_demo(state)
    return state


async def _enable_demo(state: AppState) -> None:
    settings = state.settings
    origins = sorted(
        {f"http://{h}:{settings.port}" for h in (settings.host, "127.0.0.1", "localhost")}
    )
    async with transaction(state.sessionmaker) as db:
        state.demo_publishable_key = await ensure_stored_key(
            db,
            settings.data_dir / "demo_key",
            name="demo survey",
            kind="publishable",
            origins=origins,
        )

    async def demo_result(session_id: str, visitor: str) -> dict[str, Any] | None:
        """Only for the browser that made the session: its visitor id is in the metadata."""
        try:
            sid = uuid.UUID(session_id)
        except ValueError:
            return None
        async with transaction(state.sessionmaker) as db:
            session = await SessionRepository(db).get(sid)
            owner = None
            if session is not None and session.survey_id == DEMO_SURVEY:
                owner = (session.session_metadata or {}).get("visitor")
            if not visitor or not isinstance(owner, str) or not same_secret(owner, visitor):
                return None
            result = await complete_session(db, state.model, state.counters, sid)
        return result.model_dump(mode="json")

    state.demo_result = demo_result


def _settle_the_heap() -> None:
    """Exempt everything built at start-up from the garbage collector's full passes.

    The app, its models, schemas and libraries are a few hundred thousand objects that live as
    long as the process. Each full collection walked them all, which under ingestion load cost
    a third of the CPU time per 100-event batch and most of the p99 latency (docs/service.md,
    "Performance"). Frozen, the collector only walks what requests allocate.
    """
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await _build_state(settings)
        app.state.botsieve = state
        broadcaster = Broadcaster(state.redis)
        await broadcaster.start()
        state.notify, state.extras["broadcaster"] = broadcaster.enqueue, broadcaster
        background = [
            # One purge per interval across every instance (kit/leases.py).
            asyncio.create_task(
                leases.every(
                    state.sessionmaker,
                    "purge",
                    settings.purge_interval_seconds,
                    lambda: purge_once(state.sessionmaker, settings.retention_days),
                )
            ),
            asyncio.create_task(state.counters.flush_forever(state.sessionmaker)),
            # PostgreSQL's event partitions made ahead, once per interval (a no-op on SQLite).
            asyncio.create_task(
                leases.every(
                    state.sessionmaker,
                    "partitions",
                    settings.event_partition_interval_seconds,
                    lambda: partitions.maintain(
                        state.sessionmaker,
                        settings.event_partition_days,
                        settings.event_partitions_ahead,
                    ),
                )
            ),
        ]
        # Survey-platform sessions analysed once their batches pause (analysis/background.py).
        analyser = state.extras[background_analysis.STATE_KEY] = BackgroundAnalysis(state)
        background.append(asyncio.create_task(analyser.run_forever()))
        if settings.integrations_worker_enabled:
            background.append(asyncio.create_task(deliver_forever(state)))
            background.append(asyncio.create_task(clean_up_forever(state)))
        if settings.freeze_startup_heap:
            _settle_the_heap()
        try:
            yield
        finally:
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            analyser.close()
            await broadcaster.stop()
            await state.counters.flush(state.sessionmaker)
            if state.redis is not None:
                await state.redis.aclose()  # and its pool, the rate limiter's too
            await state.raw_db.close()
            await state.db_engine.dispose()

    app = FastAPI(
        title="botsieve",
        version=__version__,
        description="Tells people from bots in online surveys and web forms.",
        default_response_class=JSON,
        lifespan=lifespan,
        # /docs and /redoc are botsieve.webapp.apidocs: their assets are served from here.
        docs_url=None,
        redoc_url=None,
        # Metrics are Prometheus (kit/metrics.py). FastAPI's OpenTelemetry hooks would check
        # for configured providers on every request: off.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(collector_router)
    app.include_router(_api_router())
    app.include_router(demo_router, prefix="/demo", include_in_schema=False)
    apidocs.install(app)
    spa.install(app)
    lanes = (*SESSION_LANES, *INTEGRATION_LANES)
    app.add_middleware(FastLaneMiddleware, lanes=lanes, prefix=API_PREFIX)
    app.add_middleware(EdgeLimitsMiddleware, limits=edge_limits(settings))
    app.add_middleware(KeyOriginCORSMiddleware, refresh_seconds=settings.key_cache_seconds)
    app.add_middleware(DatabaseOutageMiddleware)
    hsts = settings.env == "production"
    if settings.security_headers_on:
        app.add_middleware(SecurityHeadersMiddleware, hsts=hsts)
    app.add_middleware(RequestContextMiddleware, access_log=settings.access_log)
    # Outermost: addresses locked out for wrong keys are refused before anything else runs.
    app.add_middleware(
        FailedAuthGate,
        trusted_proxies=tuple(settings.trusted_proxies),
        security_headers=partial(headers_for, hsts=hsts) if settings.security_headers_on else None,
    )
    _document_raw_bodies(app)
    return app


def _document_raw_bodies(app: FastAPI) -> None:
    """Add the schemas of bodies that endpoints parse themselves (sessions, events) to OpenAPI."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, adapter in BODY_SCHEMAS.items():
            body = adapter.json_schema(ref_template="#/components/schemas/{model}")
            components.update(body.pop("$defs", {}))
            components[name] = body
        app.openapi_schema = document_errors(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
