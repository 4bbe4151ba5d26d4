"""Structured logs: JSON lines by default, with the request id bound per request."""

from __future__ import annotations

import logging
import sys

import orjson
import structlog


class _PoolFloorRetries(logging.Filter):
    """asyncpg's pool logs a stack trace each time it fails to reconnect its floor of
    connections while the database is down (1, 2, 4 ... 60 s apart); kit/outage.py already says
    once that the database is gone and once that it is back."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to restore the pool connection floor")


POOL_FLOOR_RETRIES = _PoolFloorRetries()


def configure_logging(level: str = "info", as_json: bool = True) -> None:
    logging.getLogger("asyncpg.pool").addFilter(POOL_FLOOR_RETRIES)  # again: a no-op
    # orjson into a bytes logger: the access log runs on every request, so its cost counts.
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(serializer=orjson.dumps)
        if as_json
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=(
            structlog.BytesLoggerFactory(sys.stdout.buffer)
            if as_json
            else structlog.PrintLoggerFactory(sys.stdout)
        ),
        cache_logger_on_first_use=True,
    )
