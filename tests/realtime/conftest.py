"""A real HTTP server around a test app, for WebSocket clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import uvicorn

from tests.live_server import READY_CEILING_SECONDS, free_port


@contextlib.asynccontextmanager
async def serving(app: object) -> AsyncIterator[str]:
    """Serve ``app`` (whose lifespan already runs) on a free port; yields host:port."""
    port = free_port()
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        # Wait until it listens (or fails): the ceiling is only against a hung start-up.
        async with asyncio.timeout(READY_CEILING_SECONDS):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        yield f"127.0.0.1:{port}"
    finally:
        # Also when start-up failed or hung: the server task is ended, never left running.
        server.should_exit = True
        if not server.started:
            task.cancel()  # a start-up that hangs would not see should_exit
        with contextlib.suppress(asyncio.CancelledError):
            await task
