"""Every default of the client, in one place."""

from __future__ import annotations

import httpx

ENV_URL = "BOTSIEVE_URL"
ENV_API_KEY = "BOTSIEVE_API_KEY"

API_PREFIX = "/api/v1"

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

# Retries: up to DEFAULT_MAX_RETRIES more attempts after the first, waiting
# INITIAL_RETRY_DELAY * 2**attempt seconds (at most MAX_RETRY_DELAY), scaled by a random factor
# in [1 - RETRY_JITTER, 1] so that many clients do not retry in step.
DEFAULT_MAX_RETRIES = 3
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
RETRY_JITTER = 0.5
# A Retry-After longer than this is not waited for: the error is raised instead.
MAX_RETRY_AFTER = 60.0

# Batch ids the client makes up: this prefix and 32 hex digits (the service allows 64 chars).
BATCH_ID_PREFIX = "py-"
