"""The persistent outbox: every call out is a row first, then attempts until it succeeds.

A job is written in the same transaction as whatever caused it (an accepted event, a stored
result), so nothing is lost if the service stops before the call is made. The worker leases a
due job with a conditional UPDATE (one winner across processes), runs its handler outside any
transaction, and then marks it done, or schedules the next attempt with exponential backoff
and jitter (``retry_delay``) until ``integrations_give_up_hours`` have passed since the job was
made. Within one attempt, tenacity retries a dropped connection twice, quickly, so that a blip
does not cost a whole backoff step.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from botsieve.integrations.qualtrics import PlatformError
from botsieve.integrations.repository import (
    IntegrationRepository,
    OutboxRepository,
    RefusalRepository,
)
from botsieve.kit import leases
from botsieve.kit.db import transaction
from botsieve.kit.outage import OutageLog
from botsieve.kit.settings import Settings
from botsieve.kit.state import AppState
from botsieve.models import OutboxJob
from botsieve.models.base import utcnow

log = structlog.get_logger()

Handler = Callable[[AppState, httpx.AsyncClient, OutboxJob], Awaitable[int | None]]
HANDLERS: dict[str, Handler] = {}
LEASE_SECONDS = 120
BATCH = 20
# The lease name of the hourly housekeeping, one turn per interval across instances.
CLEANUP_TASK = "outbox-cleanup"


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def retry_delay(attempts: int, settings: Settings, rng: random.Random | None = None) -> float:
    """Seconds before attempt ``attempts + 1``: base * 2^(attempts-1), capped, half jittered."""
    ceiling = min(
        settings.integrations_retry_max_seconds,
        settings.integrations_retry_base_seconds * 2 ** max(0, attempts - 1),
    )
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def http_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.integrations_http_timeout_seconds, connect=5.0),
        follow_redirects=False,
        headers={"User-Agent": "botsieve-integrations"},
    )


async def with_quick_retries(call: Callable[[], Awaitable[Any]]) -> Any:
    """Retry a call whose connection failed outright, twice within about a second."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(httpx.TransportError),
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.1, max=0.5),
        reraise=True,
    ):
        with attempt:
            return await call()


def new_job(kind: str, dedupe_key: str, payload: dict[str, Any], **links: Any) -> dict[str, Any]:
    now = utcnow()
    return {
        "kind": kind,
        "dedupe_key": dedupe_key[:200],
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        **links,
    }


async def _attempt(
    state: AppState, client: httpx.AsyncClient, job: OutboxJob, now: dt.datetime
) -> dict[str, Any]:
    fn = HANDLERS.get(job.kind)
    attempts = job.attempts + 1
    if fn is None:
        return {"status": "dead", "attempts": attempts, "last_error": f"no handler for {job.kind}"}
    try:
        code = await with_quick_retries(lambda: fn(state, client, job))
    except PlatformError as exc:
        return _failed(state.settings, job, attempts, str(exc), exc.status_code, exc.retry, now)
    except httpx.HTTPError as exc:
        return _failed(
            state.settings, job, attempts, f"{type(exc).__name__}: {exc}", None, True, now
        )
    except Exception as exc:  # a bug in a handler must not stop the worker
        log.exception("outbox_handler_failed", kind=job.kind, job_id=job.id)
        return _failed(
            state.settings, job, attempts, f"{type(exc).__name__}: {exc}", None, True, now
        )
    return {
        "status": "done",
        "attempts": attempts,
        "finished_at": now,
        "locked_until": None,
        "last_status_code": code,
        "last_error": None,
    }


def _failed(
    settings: Settings,
    job: OutboxJob,
    attempts: int,
    error: str,
    code: int | None,
    retry: bool,
    now: dt.datetime,
) -> dict[str, Any]:
    give_up_at = job.created_at + dt.timedelta(hours=settings.integrations_give_up_hours)
    next_at = now + dt.timedelta(seconds=retry_delay(attempts, settings))
    dead = not retry or next_at > give_up_at
    # A platform job that retrying cannot fix (a wrong token, an unknown datacenter) waits for
    # the integration to be fixed (PATCH, or the retry action) instead of ending for good.
    parked = not retry and job.integration_id is not None
    status = "needs_attention" if parked else "dead" if dead else "pending"
    log.warning("outbox_attempt_failed", kind=job.kind, job_id=job.id, error=error, status=status)
    return {
        "status": status,
        "attempts": attempts,
        "next_attempt_at": next_at,
        "locked_until": None,
        "last_error": error[:2000],
        "last_status_code": code,
        "finished_at": now if dead else None,
    }


async def run_once(
    state: AppState, client: httpx.AsyncClient, now: dt.datetime | None = None
) -> int:
    """Attempt every job due at ``now``, once; return how many were attempted."""
    maker = state.sessionmaker
    now = now or utcnow()
    async with transaction(maker) as db:
        ids = await OutboxRepository(db).due(now, BATCH)
    attempted = 0
    for job_id in ids:
        async with transaction(maker) as db:
            job = await OutboxRepository(db).claim(
                job_id, now, now + dt.timedelta(seconds=LEASE_SECONDS)
            )
        if job is None:
            continue
        outcome = await _attempt(state, client, job, now)
        async with transaction(maker) as db:
            await OutboxRepository(db).finish(job.id, **outcome)
        await _after(state, job, outcome)
        attempted += 1
    return attempted


async def _after(state: AppState, job: OutboxJob, outcome: dict[str, Any]) -> None:
    """Keep the integration's last error for the status page."""
    if job.integration_id is None or outcome["status"] == "done":
        return
    async with transaction(state.sessionmaker) as db:
        await IntegrationRepository(db).touch(
            job.integration_id, last_error=outcome.get("last_error"), last_error_at=utcnow()
        )


async def purge_finished(state: AppState, now: dt.datetime | None = None) -> int:
    """Forget finished jobs after the retention period (the delivery log's horizon).

    A completion replayed after that is harmless: the verdict is stored per response and a
    response already written back is not written again.
    """
    before = (now or utcnow()) - dt.timedelta(days=state.settings.retention_days)
    async with transaction(state.sessionmaker) as db:
        return await OutboxRepository(db).purge_finished(before)


async def purge_refusals(state: AppState, now: dt.datetime | None = None) -> int:
    """Forget refused posts after the retention period (the status page shows the last day)."""
    before = (now or utcnow()) - dt.timedelta(days=state.settings.retention_days)
    async with transaction(state.sessionmaker) as db:
        return await RefusalRepository(db).purge(before)


async def clean_up(state: AppState) -> None:
    """One round of the outbox's housekeeping: finished jobs and refused posts past retention."""
    jobs = await purge_finished(state)
    refusals = await purge_refusals(state)
    log.info("outbox_cleaned", jobs=jobs, refusals=refusals)


async def clean_up_forever(state: AppState) -> None:
    """The housekeeping, once per interval across every instance (kit/leases.py)."""
    await leases.every(
        state.sessionmaker,
        CLEANUP_TASK,
        state.settings.integrations_cleanup_interval_seconds,
        lambda: clean_up(state),
    )


async def deliver_forever(state: AppState) -> None:
    """The background worker started by the app's lifespan (its housekeeping runs apart)."""
    settings = state.settings
    outage = OutageLog("outbox")  # a database outage is one line, not a stack trace per poll
    async with http_client(settings) as client:
        while True:
            try:
                busy = await run_once(state, client)
                outage.succeeded()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not outage.absorbed(exc):
                    log.exception("outbox_round_failed")
                busy = 0
            if not busy:
                await asyncio.sleep(settings.integrations_poll_seconds)
