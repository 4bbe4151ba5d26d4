"""The asyncio client: the same methods as `Client`, awaited."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel

from botsieve_client import _calls
from botsieve_client._base import BaseClient
from botsieve_client._calls import Event, SessionRef
from botsieve_client._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from botsieve_client._exceptions import BotsieveError
from botsieve_client._models import (
    AnalysisResult,
    DeletedCount,
    EventsAccepted,
    Overview,
    Platform,
    Readiness,
    RiskFilter,
    SessionCreated,
    SessionDetails,
    SessionEvents,
    SessionPage,
    SessionRow,
    SessionStatus,
    VerdictFilter,
)

T = TypeVar("T", bound=BaseModel)


class AsyncClient(BaseClient):
    """An asyncio client for one botsieve service.

    ``api_key`` and ``base_url`` default to ``BOTSIEVE_API_KEY`` and ``BOTSIEVE_URL``. Calls
    that are safe to repeat are retried ``max_retries`` times on 429, 5xx and lost connections
    (see ``_calls.py`` for which). ``transport`` replaces the network (e.g.
    ``httpx.MockTransport`` in tests); ``sleep`` replaces ``asyncio.sleep`` between retries.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(api_key=api_key, base_url=base_url, max_retries=max_retries)
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=self._default_headers(),
            timeout=timeout,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, call: _calls.Call[T]) -> T:
        request = self._build_request(self._http, call)
        attempt = 0
        while True:
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                delay = self._retry_delay(call, attempt, None)
                if delay is None:
                    raise self._connection_error(exc, request) from exc
            else:
                delay = self._retry_delay(call, attempt, response)
                if delay is None:
                    return self._parse(call, response)
            await self._sleep(delay)
            attempt += 1

    # Sessions

    async def create_session(
        self,
        survey_id: str,
        *,
        platform: Platform | None = None,
        respondent_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        environment: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> SessionCreated:
        """Start a session. Retried only when ``idempotency_key`` is given."""
        return await self._send(
            _calls.create_session(
                survey_id,
                platform=platform,
                respondent_id=respondent_id,
                metadata=metadata,
                environment=environment,
                idempotency_key=idempotency_key,
            )
        )

    async def session_status(self, session: SessionRef) -> SessionStatus:
        """The session's state and latest verdict."""
        return await self._send(_calls.session_status(session))

    async def ready_for_analysis(self, session: SessionRef) -> Readiness:
        """Whether the session has enough data for a useful analysis, and what is missing."""
        return await self._send(_calls.ready_for_analysis(session))

    async def delete_session(self, session: SessionRef) -> DeletedCount:
        """Delete the session with its events and results."""
        return await self._send(_calls.delete_session(session))

    async def delete_respondent(self, survey_id: str, respondent_id: str) -> DeletedCount:
        """Delete everything one respondent left in one survey."""
        return await self._send(_calls.delete_respondent(survey_id, respondent_id))

    # Events

    async def send_events(
        self,
        session: SessionRef,
        events: Sequence[Event],
        *,
        token: str | None = None,
        batch_id: str | None = None,
    ) -> EventsAccepted:
        """Store one batch of events (1 to 5,000; see docs/events.md).

        The batch id is made up when not given, and kept across retries, so a retried batch is
        stored once. ``token`` defaults to the token of a ``SessionCreated`` passed as
        ``session`` (a secret key does not need one).
        """
        return await self._send(_calls.send_events(session, events, token=token, batch_id=batch_id))

    # Analysis

    async def analyze(self, session: SessionRef) -> AnalysisResult:
        """Run the detection engine on the session's events; the result is stored."""
        return await self._send(_calls.analyze(session))

    async def complete(self, session: SessionRef) -> AnalysisResult:
        """Mark the session finished by the respondent, and analyse it."""
        return await self._send(_calls.complete(session))

    async def latest_result(self, session: SessionRef) -> AnalysisResult:
        """The latest stored result; ``NotFoundError`` if the session was never analysed."""
        return await self._send(_calls.latest_result(session))

    # Dashboard

    async def overview(
        self,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        survey_id: str | None = None,
        platform: Platform | None = None,
    ) -> Overview:
        """Counts, bot rate, risk distribution and time series (the service's default: 7 days)."""
        return await self._send(
            _calls.overview(since=since, until=until, survey_id=survey_id, platform=platform)
        )

    async def list_sessions(
        self,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        survey_id: str | None = None,
        platform: Platform | None = None,
        verdict: VerdictFilter | None = None,
        risk: RiskFilter | None = None,
        q: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> SessionPage:
        """One page of sessions, newest first; pass ``next_cursor`` back as ``cursor``."""
        return await self._send(
            _calls.list_sessions(
                since=since,
                until=until,
                survey_id=survey_id,
                platform=platform,
                verdict=verdict,
                risk=risk,
                q=q,
                cursor=cursor,
                limit=limit,
            )
        )

    async def iter_sessions(
        self,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        survey_id: str | None = None,
        platform: Platform | None = None,
        verdict: VerdictFilter | None = None,
        risk: RiskFilter | None = None,
        q: str | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[SessionRow]:
        """Every matching session, newest first, fetching pages as it goes."""
        cursor: str | None = None
        while True:
            page = await self.list_sessions(
                since=since,
                until=until,
                survey_id=survey_id,
                platform=platform,
                verdict=verdict,
                risk=risk,
                q=q,
                cursor=cursor,
                limit=page_size,
            )
            for row in page.items:
                yield row
            if page.next_cursor is None:
                return
            if page.next_cursor == cursor:
                raise BotsieveError(f"The service gave the same cursor twice: {cursor!r}")
            cursor = page.next_cursor

    async def session_details(self, session: SessionRef) -> SessionDetails:
        """The session, a summary of its events, and every analysis of it."""
        return await self._send(_calls.session_details(session))

    async def session_events(self, session: SessionRef) -> SessionEvents:
        """All of the session's events, in columns."""
        return await self._send(_calls.session_events(session))
