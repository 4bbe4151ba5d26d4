"""/api/v1/ws: the dashboard's live feed.

Authenticated like the dashboard API: the login cookie (from the dashboard's own origin only,
against cross-site socket hijacking) or ``Authorization: Bearer <secret key>``. Frames are JSON:
``{"type": "hello", "role": ...}`` once, then ``{"type": "events", "events": [{"event":
"session_updated" | "analysis_complete", "data": {...}}]}``. A client may send ``ping`` and
gets ``{"type": "pong"}``.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from botsieve.kit.db import transaction
from botsieve.kit.errors import BotsieveError
from botsieve.kit.state import AppState
from botsieve.realtime.broadcaster import Broadcaster
from botsieve.users.deps import Actor, identify

router = APIRouter(tags=["live"])
POLICY_VIOLATION = 1008
RECHECK_SECONDS = 30.0


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:  # not a browser: cross-site hijacking needs one
        return True
    return urlsplit(origin).netloc.lower() == websocket.headers.get("host", "").lower()


async def _actor(websocket: WebSocket, state: AppState) -> Actor | None:
    uses_cookie = "authorization" not in websocket.headers
    if uses_cookie and not _same_origin(websocket):
        return None
    try:
        async with transaction(state.sessionmaker) as db:
            return await identify(websocket, state, db, changes=False)
    except BotsieveError:
        return None


@router.websocket("/ws")
async def live(websocket: WebSocket) -> None:
    state: AppState = websocket.app.state.botsieve
    broadcaster: Broadcaster | None = state.extras.get("broadcaster")
    actor = await _actor(websocket, state)
    if actor is None or broadcaster is None:
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    await websocket.send_text(orjson.dumps({"type": "hello", "role": actor.role}).decode())
    tasks = [
        asyncio.create_task(_pump_text(websocket, broadcaster)),
        asyncio.create_task(_answer_pings(websocket)),
        asyncio.create_task(_still_allowed(websocket, state)),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, Exception):
                await task


async def _pump_text(websocket: WebSocket, broadcaster: Broadcaster) -> None:
    # Frames go out as text so browsers get strings.
    listener = broadcaster.subscribe()
    try:
        while True:
            await websocket.send_text((await listener.next()).decode())
    finally:
        broadcaster.unsubscribe(listener)


async def _answer_pings(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            if await websocket.receive_text() == "ping":
                await websocket.send_text('{"type":"pong"}')


async def _still_allowed(websocket: WebSocket, state: AppState) -> None:
    """Close the socket once its login or key stops being valid (logout, revocation)."""
    while True:
        await asyncio.sleep(RECHECK_SECONDS)
        if await _actor(websocket, state) is None:
            await websocket.close(code=POLICY_VIOLATION)
            return
