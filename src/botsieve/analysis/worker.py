"""The engine in a process of its own, for the analyses nobody waits on (background.py).

An analysis is 30-40 ms of CPU in the engine. Run on the event loop, the background analyses
held up every platform call that arrived meanwhile (``--no-settle`` in
``python -m bench.integrations_burst``: repeat calls' p99 140 ms while 200 sessions were being
analysed). Here the process reads the session and stores the result; only the engine's pure
arithmetic goes to the worker, which is given the model once, when it starts. Started on
first use, stopped with the app. This module imports the engine alone, so that is all a
worker imports.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from botsieve import engine

_model: Any = None


def _start(model: Any) -> None:
    global _model
    _model = model


def _analyse(session: engine.SessionInput) -> engine.AnalysisResult:
    return engine.analyze(session, _model)


class EngineWorkers:
    """``processes`` worker processes running :func:`engine.analyze` with ``model``."""

    def __init__(self, model: Any, processes: int) -> None:
        self.model, self.processes = model, processes
        self._pool: ProcessPoolExecutor | None = None

    async def analyze(self, session: engine.SessionInput, model: Any) -> engine.AnalysisResult:
        if model is not self.model:  # not the model the workers were given: here, then
            return engine.analyze(session, model)
        if self._pool is None:
            # spawn: a fresh interpreter, not a copy of this one with its loop and connections.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=context, initializer=_start, initargs=(self.model,)
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _analyse, session)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
