"""Structured logs: JSON lines by default, with the request id bound per request."""

from __future__ import annotations

import logging
import sys

import orjson
import structlog


def configure_logging(level: str = "info", as_json: bool = True) -> None:
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
