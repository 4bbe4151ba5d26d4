"""Load on a cluster from clients that behave like the collector, and the rolling restart.

Shared by the load-balanced tests (tests/deploy/test_load_balanced.py) and the rolling-restart
bench (``python -m bench.rolling``): respondents create sessions and send event batches,
retrying what is retryable with backoff; meanwhile one instance is killed (SIGKILL) and
started again, then another stopped (SIGTERM) and started again. The audit then reads the
database straight (past PgBouncer): every acknowledged batch must be there with its events.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import text

from tests.deploy.cluster import Cluster
from tests.factories import mouse_path

SESSIONS = "/api/v1/detection/sessions"
RETRYABLE = {408, 429, 500, 502, 503, 504}
MAX_ATTEMPTS = 12
# No acknowledgement at all for this long means the cluster stopped taking events.
STALL_SECONDS = 120.0
EVENTS_PER_BATCH = 20


@dataclass
class Tally:
    acked: dict[tuple[str, str], int] = field(default_factory=dict)
    sessions: list[str] = field(default_factory=list)
    requests: int = 0
    retried: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)
    gave_up: int = 0


async def send(
    client: httpx.AsyncClient, tally: Tally, method: str, url: str, **kwargs: Any
) -> httpx.Response | None:
    """The answer to a request, after retries; None when every attempt failed retryably."""
    tally.requests += 1
    for attempt in range(MAX_ATTEMPTS):
        try:
            reply = await client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            tally.retried[type(exc).__name__] += 1
        else:
            if reply.status_code not in RETRYABLE:
                if reply.status_code >= 400:
                    tally.refused.append(f"{reply.status_code} {reply.text[:200]}")
                return reply
            tally.retried[str(reply.status_code)] += 1
        await asyncio.sleep(min(2.0, 0.05 * 2**attempt))
    tally.gave_up += 1
    return None


async def respondent(
    client: httpx.AsyncClient, tally: Tally, key: str, survey: str, batches: int
) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    created = await send(
        client,
        tally,
        "POST",
        SESSIONS,
        json={"platform": "web", "survey_id": survey},
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
    )
    if created is None or created.status_code != 201:
        return
    session = created.json()
    sid = session["session_id"]
    tally.sessions.append(sid)
    headers = {**auth, "X-Session-Token": session["token"]}
    for b in range(batches):
        events = mouse_path(EVENTS_PER_BATCH, start_t=b * 400.0)
        batch_id = f"b-{b:04d}"
        body = {"batch_id": batch_id, "events": events}
        reply = await send(
            client, tally, "POST", f"{SESSIONS}/{sid}/events", json=body, headers=headers
        )
        if reply is not None and reply.status_code == 202:
            tally.acked[(sid, batch_id)] = len(events)


@dataclass
class Audit:
    lost: dict[tuple[str, str], int]  # acknowledged batches not stored with their events
    miscounted: list[str]  # sessions whose stored events differ from their stored batches


async def audit(database: Any, tally: Tally) -> Audit:
    """What the database holds against what the clients were told."""
    async with database.connect() as conn:
        batches = {
            (str(sid), str(bid)): int(n)
            for sid, bid, n in await conn.execute(
                text("SELECT session_id, batch_id, event_count FROM event_batches")
            )
        }
        per_session = {
            str(sid): int(n)
            for sid, n in await conn.execute(
                text("SELECT session_id, sum(event_count) FROM behavior_data GROUP BY session_id")
            )
        }
    lost = {k: n for k, n in tally.acked.items() if batches.get(k) != n}
    miscounted = [
        sid
        for sid in tally.sessions
        if per_session.get(sid, 0) != sum(n for (s, _), n in batches.items() if s == sid)
    ]
    return Audit(lost, miscounted)


@dataclass
class RollingRestart:
    tally: Tally
    steps: list[str]
    seconds: float


async def rolling_restart(
    cluster: Cluster, key: str, respondents: int, step_batches: int = 150
) -> RollingRestart:
    """Load through nginx while instance 0 is killed and restarted, then instance 1 stopped and
    restarted; each step waits for ``step_batches`` more acknowledgements (or fails on a stall)."""
    tally = Tally()
    done = asyncio.Event()

    async def after(more: int) -> None:
        wanted = len(tally.acked) + more
        seen, since = len(tally.acked), time.monotonic()
        while len(tally.acked) < wanted:
            if len(tally.acked) > seen:
                seen, since = len(tally.acked), time.monotonic()
            assert time.monotonic() - since < STALL_SECONDS, "ingestion stopped"
            await asyncio.sleep(0.02)

    async def chaos() -> list[str]:
        steps: list[str] = []
        first, second = cluster.instances[0], cluster.instances[1]
        await after(step_batches)
        first.kill()
        steps.append(f"killed {first.name} at {len(tally.acked)} batches")
        await after(step_batches)
        await asyncio.to_thread(first.start)
        steps.append(f"{first.name} back at {len(tally.acked)}")
        await after(step_batches * 2 // 3)
        await asyncio.to_thread(second.stop)
        steps.append(f"stopped {second.name} at {len(tally.acked)}")
        await after(step_batches)
        await asyncio.to_thread(second.start)
        steps.append(f"{second.name} back at {len(tally.acked)}")
        await after(step_batches * 2 // 3)
        done.set()
        return steps

    async def load() -> None:
        limits = httpx.Limits(max_connections=respondents)
        async with httpx.AsyncClient(base_url=cluster.url, limits=limits) as client:

            async def one() -> None:
                while not done.is_set():
                    await respondent(client, tally, key, "restart-check", 10)

            await asyncio.gather(*(one() for _ in range(respondents)))

    started = time.monotonic()
    steps, _ = await asyncio.gather(chaos(), load())
    return RollingRestart(tally, steps, time.monotonic() - started)


def nginx_failovers(cluster: Cluster) -> int:
    """Requests nginx retried on another instance when one refused or dropped a connection."""
    nginx_log = (cluster.folder / "nginx" / "error.log").read_text()
    return sum(
        phrase in line
        for line in nginx_log.splitlines()
        for phrase in ("connect() failed", "prematurely closed", "reset by peer")
    )
