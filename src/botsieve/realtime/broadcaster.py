"""Fans out ``session_updated`` and ``analysis_complete`` to every dashboard socket.

``enqueue`` (installed as ``AppState.notify``) never blocks: it puts the event on a queue. A
background task takes what arrived within a short window, coalesces it (one update per session,
later fields winning) and delivers it as one frame. With Redis, frames go through a pub/sub
channel, so sockets held by any worker hear events from every worker; without Redis they go
straight to this worker's sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
import structlog
from redis.asyncio import Redis

log = structlog.get_logger()

CHANNEL = "botsieve:live"
LISTENER_BACKLOG = 256


def coalesce(batch: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One entry per (event, session), in order of first appearance, later fields winning."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for event, payload in batch:
        key = (event, str(payload.get("session_id", "")))
        if event == "session_updated" and key in merged:
            merged[key] = {**merged[key], **payload}
        else:
            merged.pop(key, None)
            merged[key] = dict(payload)
    return [{"event": event, "data": data} for (event, _), data in merged.items()]


class Listener:
    """One socket's inbox of frames; the oldest are dropped when a slow socket falls behind."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=LISTENER_BACKLOG)

    def offer(self, frame: bytes) -> None:
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(frame)

    async def next(self) -> bytes:
        return await self.queue.get()


class Broadcaster:
    def __init__(self, redis: Redis | None = None, *, window: float = 0.2) -> None:
        self.redis = redis
        self.window = window
        self.listeners: set[Listener] = set()
        self.dropped = 0
        self._incoming: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(maxsize=10_000)
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()

    def enqueue(self, event: str, payload: dict[str, Any]) -> None:
        try:
            self._incoming.put_nowait((event, payload))
        except asyncio.QueueFull:
            self.dropped += 1

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._drain_forever()))
        if self.redis is not None:
            self._tasks.append(asyncio.create_task(self._subscribe_forever()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._subscribed.wait(), 5)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    def subscribe(self) -> Listener:
        listener = Listener()
        self.listeners.add(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    def deliver(self, frame: bytes) -> None:
        for listener in list(self.listeners):
            listener.offer(frame)

    async def _drain_forever(self) -> None:
        while True:
            batch = [await self._incoming.get()]
            await asyncio.sleep(self.window)  # let a burst gather
            while not self._incoming.empty():
                batch.append(self._incoming.get_nowait())
            frame = orjson.dumps({"type": "events", "events": coalesce(batch)})
            await self._publish(frame)

    async def _publish(self, frame: bytes) -> None:
        if self.redis is None:
            self.deliver(frame)
            return
        try:
            await self.redis.publish(CHANNEL, frame)
        except Exception as exc:  # Redis down: at least this worker's sockets hear it
            log.warning("live_publish_failed", error=repr(exc))
            self.deliver(frame)

    async def _subscribe_forever(self) -> None:
        assert self.redis is not None
        delay = 0.5
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._subscribed.set()
                    delay = 0.5
                    while True:
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=1.0
                        )
                        if message is not None and message.get("type") == "message":
                            data = message["data"]
                            self.deliver(data if isinstance(data, bytes) else data.encode())
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live_subscribe_failed", error=repr(exc), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
