"""When to try a request again, and how long to wait first.

Only calls that are safe to repeat are retried (the call decides, see ``_calls.py``), and only
after an answer that may change: 429, any 5xx, or no answer at all. The wait is the service's
``Retry-After`` when it gives one (up to ``MAX_RETRY_AFTER``; a longer one is not waited for),
else an exponential backoff with jitter.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from collections.abc import Callable

import httpx

from botsieve_client._constants import (
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RETRY_JITTER,
)


def is_retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds: a number of seconds or an HTTP date."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def backoff_delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
    ceiling = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    return ceiling * (1.0 - RETRY_JITTER * rand())


def retry_delay(attempt: int, max_retries: int, response: httpx.Response | None) -> float | None:
    """How long to wait before trying again, or None to give up.

    ``response`` is the error answer, or None when there was no answer.
    """
    if attempt >= max_retries:
        return None
    if response is None:
        return backoff_delay(attempt)
    if not is_retryable_status(response.status_code):
        return None
    asked = retry_after_seconds(response)
    if asked is None:
        return backoff_delay(attempt)
    return asked if asked <= MAX_RETRY_AFTER else None
