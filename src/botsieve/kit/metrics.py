"""Prometheus metrics, one registry for the process.

With several workers, set PROMETHEUS_MULTIPROC_DIR before start-up so that /metrics aggregates
all of them (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

REQUEST_LATENCY = Histogram(
    "botsieve_http_request_duration_seconds",
    "HTTP request latency by route template and method",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "botsieve_http_requests_total", "HTTP requests by route and status", ["route", "status"]
)
ERRORS = Counter("botsieve_http_errors_total", "HTTP 4xx and 5xx answers", ["route", "status"])
EVENTS_INGESTED = Counter("botsieve_events_ingested_total", "Events committed", ["event_type"])
SESSIONS_CREATED = Counter("botsieve_sessions_created_total", "Sessions created", ["platform"])
ANALYSES = Counter("botsieve_analyses_total", "Analyses by verdict", ["verdict"])
ANALYSIS_LATENCY = Histogram(
    "botsieve_analysis_duration_seconds",
    "Time to analyse a session (load, engine, store)",
    buckets=LATENCY_BUCKETS,
)


def render_metrics() -> tuple[bytes, str]:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
