"""Where a stuck test app's start or shutdown waits, said in the run's summary.

An app's start and shutdown take milliseconds. A CI run once hung 30 minutes in one shutdown
and printed only idle threads, so the fixtures arm a watch around both: after
``STUCK_AFTER_SECONDS`` it notes where the main thread is (a blocking call holds the whole loop),
where each of the loop's tasks waits, and on PostgreSQL which server connections wait on what.
The notes are printed at the end of the run, beside pytest's summary. Nothing fails on them:
pytest-timeout still decides.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import traceback
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

STUCK_AFTER_SECONDS = 120.0
notes: list[str] = []
_server_reads: list[asyncio.Task[None]] = []  # kept so the loop does not drop them


def _awaiting(task: asyncio.Task[object]) -> str:
    """The last three places of a task's await chain, asyncio's own left out."""
    coro: object = task.get_coro()
    places = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None and "/asyncio/" not in frame.f_code.co_filename:
            name = Path(frame.f_code.co_filename).name
            places.append(f"{frame.f_code.co_name} ({name}:{frame.f_lineno})")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return " > ".join(places[-3:]) or "?"


def _main_thread_at(thread_id: int) -> str:
    frame = sys._current_frames().get(thread_id)
    if frame is None:
        return "?"
    stack = traceback.extract_stack(frame)[-4:]
    return " > ".join(f"{f.name} ({Path(f.filename).name}:{f.lineno})" for f in stack)


async def _read_server_activity(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.exec_driver_sql(
                "SELECT pid, state, wait_event_type, wait_event, left(query, 80)"
                " FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            notes.extend(f"  server {tuple(row)}" for row in rows)
    except Exception as exc:  # a note, never a failure
        notes.append(f"  server activity unreadable: {exc!r}")
    finally:
        await engine.dispose()


class StuckWatch:
    """One step watched at a time, from a timer thread (the loop itself may be what is held)."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._timer: threading.Timer | None = None

    def arm(self, what: str) -> None:
        self.disarm()
        loop, thread_id = asyncio.get_running_loop(), threading.get_ident()
        self._timer = threading.Timer(STUCK_AFTER_SECONDS, self._note, (what, loop, thread_id))
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _note(self, what: str, loop: asyncio.AbstractEventLoop, thread_id: int) -> None:
        notes.append(f"STUCK {what} after {STUCK_AFTER_SECONDS:.0f} s")
        notes.append(f"  main thread: {_main_thread_at(thread_id)}")
        notes.extend(f"  task: {_awaiting(task)}" for task in asyncio.all_tasks(loop))
        if self._database_url.startswith("postgresql"):
            # Runs only if the loop still turns (it waits on I/O rather than a blocking call).
            loop.call_soon_threadsafe(self._read_server, loop)

    def _read_server(self, loop: asyncio.AbstractEventLoop) -> None:
        _server_reads.append(loop.create_task(_read_server_activity(self._database_url)))
