"""A survey-platform session analysed a moment after its behaviour stops arriving.

A survey platform asks for the verdict when the respondent moves on (the entry check after the
first page, the score call at the end), and 200 respondents may finish in the same second.
Analysing inside those calls cost each one ~30 ms of CPU, and in a burst the last reply waited
for every analysis before it: p99 13-15 s for 200 at once (``python -m bench.integrations_burst``).
Here a session is analysed when its batches pause (``analysis_quiet_seconds``), or at the
latest ``analysis_max_wait_seconds`` after the first batch not yet analysed, so that the calls
only read the stored result; one that finds none answers ``provisional``, asks for the analysis
at once, and the completion event converges (integrations/scoring.py).

Only sessions of a platform (qualtrics, decipher) whose survey an active integration serves are
analysed. One queue per process (a batch is queued by the process that stored it); analyses run
one at a time, each in its own transaction. They step aside while platform calls are in
flight, since those are what someone is waiting for, but for no longer than
``STEP_ASIDE_SECONDS`` in a row, so steady traffic cannot starve them. The engine itself runs
in a worker process (``analysis_processes``, worker.py), so an analysis holds the event loop
only for reading the session and storing the result.

A call that finds no analysis yet may wait a moment for it (``made_within``): a respondent
finishing alone, whose last page's events came in with the platform's call, then gets a
verdict the survey's branch logic can use, instead of ``provisional``. Only while few sessions
are queued before it: in a burst nobody waits for the others' analyses.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.analysis.service import analyze_session, announcement, complete_session
from botsieve.analysis.worker import EngineWorkers
from botsieve.kit.db import transaction
from botsieve.kit.state import AppState
from botsieve.models import DetectionResult, Integration, Session
from botsieve.sessions.repository import SessionRepository

log = structlog.get_logger()

# Sessions of these platforms are asked for verdicts by the platform (integrations/).
PLATFORMS = frozenset(("qualtrics", "decipher"))
STEP_ASIDE_SECONDS = 0.5
# A call waits for its session's analysis only with at most this many sessions ahead of it
# (about 40 ms each on the machines measured).
WAIT_AHEAD = 4
STATE_KEY = "analysis.background"


@dataclass
class _Pending:
    due: float
    deadline: float  # max-wait: the pause may never come while a respondent keeps moving
    finish: bool = False


class BackgroundAnalysis:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.quiet = state.settings.analysis_quiet_seconds
        self.max_wait = state.settings.analysis_max_wait_seconds
        self._pending: dict[uuid.UUID, _Pending] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._calls = 0
        self._calm = asyncio.Event()
        self._calm.set()
        self._resumed = asyncio.Event()
        self._resumed.set()
        self.analysed = 0  # how many analyses it made (tests, logs)
        self._running: uuid.UUID | None = None
        self._made: dict[uuid.UUID, asyncio.Event] = {}
        processes = state.settings.analysis_processes
        self.workers = EngineWorkers(state.model, processes) if processes > 0 else None

    def close(self) -> None:
        """Stop the engine's worker processes (the app's shutdown)."""
        if self.workers is not None:
            self.workers.close()

    def soon(self, session_id: uuid.UUID, *, now: bool = False, finish: bool = False) -> None:
        """Analyse the session once its batches pause (``now``: at the first free moment;
        ``finish``: complete it too, as the end-of-survey call would have)."""
        at = time.monotonic()
        pending = self._pending.get(session_id)
        if pending is None:
            pending = self._pending[session_id] = _Pending(at, at + self.max_wait)
        pending.due = min(pending.deadline, at if now else at + self.quiet)
        pending.finish |= finish
        self._idle.clear()
        self._wake.set()

    def is_pending(self, session_id: uuid.UUID) -> bool:
        return session_id in self._pending

    @contextlib.contextmanager
    def platform_call(self) -> Iterator[None]:
        """Around a call a platform waits for: analyses wait until none is in flight."""
        self._calls += 1
        self._calm.clear()
        try:
            yield
        finally:
            self._calls -= 1
            if self._calls == 0:
                self._calm.set()

    async def made_within(self, session_id: uuid.UUID, seconds: float) -> bool:
        """Wait up to ``seconds`` for the session's queued analysis, when at most
        ``WAIT_AHEAD`` sessions come before it; whether the queue got to it. The waiting call
        does not count as one in flight meanwhile: the queue must not step aside for it."""
        pending = self._pending.get(session_id)
        if seconds <= 0 or (pending is None and self._running != session_id):
            return False
        due = pending.due if pending is not None else 0.0
        ahead = sum(1 for other, p in self._pending.items() if other != session_id and p.due <= due)
        ahead += self._running not in (None, session_id)
        if ahead > WAIT_AHEAD:
            return False
        made = self._made.setdefault(session_id, asyncio.Event())
        standing_by = self._calls > 0
        if standing_by:
            self._calls -= 1
            if self._calls == 0:
                self._calm.set()
        try:
            async with asyncio.timeout(seconds):
                await made.wait()
            return True
        except TimeoutError:
            return False
        finally:
            if standing_by:
                self._calls += 1
                self._calm.clear()

    def waited_on(self, session_id: uuid.UUID) -> bool:
        """Whether a call waits, or waited, for this session's queued analysis (tests)."""
        return session_id in self._made

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """No analysis starts meanwhile (sessions are still queued): to see what a call
        answers before the analysis, whatever the machine's speed."""
        self._resumed.clear()
        try:
            yield
        finally:
            self._resumed.set()

    async def settle(self) -> None:
        """Until nothing is queued or running (tests, and a bench's warm start)."""
        await self._idle.wait()

    async def run_forever(self) -> None:
        while True:
            await self._next()

    async def _next(self) -> None:
        if not self._pending:
            self._idle.set()
            self._wake.clear()
            await self._wake.wait()
            return
        session_id, pending = min(self._pending.items(), key=lambda item: item[1].due)
        delay = pending.due - time.monotonic()
        if delay > 0:
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._calm.wait(), STEP_ASIDE_SECONDS)
        await self._resumed.wait()
        if self._pending.get(session_id) is not pending or pending.due > time.monotonic():
            return  # a batch came meanwhile: it waits for the next pause
        del self._pending[session_id]
        self._running = session_id
        try:
            await self._analyse(session_id, pending.finish)
        except Exception:
            log.exception("background_analysis_failed", session_id=str(session_id))
        finally:
            self._running = None
            if (made := self._made.pop(session_id, None)) is not None:
                made.set()

    async def _analyse(self, session_id: uuid.UUID, finish: bool) -> None:
        async with transaction(self.state.sessionmaker) as db:
            session = await SessionRepository(db).get(session_id)
            if session is None or session.event_count < self.state.settings.analysis_min_events:
                return
            if not await _asked_by_a_platform(db, session):
                return
            if await covered(db, session):
                # The end call found the analysis made: only the completion was left.
                if finish and not session.is_completed:
                    await SessionRepository(db).complete(session_id)
                return
            run = complete_session if finish else analyze_session
            engine_run = None if self.workers is None else self.workers.analyze
            result = await run(
                db, self.state.model, self.state.counters, session_id, run_engine=engine_run
            )
        self.analysed += 1
        self.state.notify("analysis_complete", announcement(result))


async def covered(db: AsyncSession, session: Session) -> bool:
    """Whether the session's latest analysis saw every event it has: one indexed lookup."""
    if session.analyzed_at is None:
        return False
    seen = await db.scalar(
        select(DetectionResult.event_count)
        .where(DetectionResult.session_id == session.id)
        .order_by(DetectionResult.id.desc())
        .limit(1)
    )
    return seen is not None and int(seen) == session.event_count


async def _asked_by_a_platform(db: AsyncSession, session: Session) -> bool:
    """Only the surveys an integration serves: nobody else asks for a verdict unprompted."""
    found = await db.scalar(
        select(Integration.id)
        .where(Integration.survey_id == session.survey_id, Integration.active.is_(True))
        .limit(1)
    )
    return found is not None


def of(state: AppState) -> BackgroundAnalysis | None:
    """The process's queue, when the app started one."""
    found = state.extras.get(STATE_KEY)
    return found if isinstance(found, BackgroundAnalysis) else None


def platform_call(state: AppState) -> contextlib.AbstractContextManager[None]:
    """Around a call a platform waits for (see :meth:`BackgroundAnalysis.platform_call`)."""
    queue = of(state)
    return contextlib.nullcontext() if queue is None else queue.platform_call()


def after_batch(state: AppState, session_id: uuid.UUID, platform: str, event_count: int) -> None:
    """A batch was stored: queue the session if a platform will ask for its verdict."""
    queue = of(state)
    settings = state.settings
    # Calls that analyse themselves need no queue (a second analysis of the same events).
    wanted = platform in PLATFORMS and not settings.integrations_inline_analysis
    if queue is not None and wanted and event_count >= settings.analysis_min_events:
        queue.soon(session_id)
