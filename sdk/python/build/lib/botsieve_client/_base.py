"""What ``Client`` and ``AsyncClient`` share: configuration, requests, answers, retry waits."""

from __future__ import annotations

import logging
import os
import platform
import uuid
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from botsieve_client import _calls
from botsieve_client._constants import API_PREFIX, ENV_API_KEY, ENV_URL
from botsieve_client._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    BotsieveError,
    error_from_response,
)
from botsieve_client._retries import retry_delay
from botsieve_client._version import __version__

log = logging.getLogger("botsieve_client")

T = TypeVar("T", bound=BaseModel)


def _resolve_base_url(base_url: str | httpx.URL | None) -> httpx.URL:
    url = str(base_url) if base_url is not None else os.environ.get(ENV_URL, "")
    if not url:
        raise BotsieveError(
            f"No service URL: pass base_url= or set {ENV_URL} (e.g. http://127.0.0.1:8000)."
        )
    # Accept the service's root or its API root alike.
    root = url.rstrip("/").removesuffix(API_PREFIX)
    return httpx.URL(root + API_PREFIX + "/")


def _resolve_api_key(api_key: str | None) -> str:
    key = api_key if api_key is not None else os.environ.get(ENV_API_KEY, "")
    if not key:
        raise BotsieveError(f"No API key: pass api_key= or set {ENV_API_KEY}.")
    return key


class BaseClient:
    """Holds the settings; the subclasses send."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | httpx.URL | None,
        max_retries: int,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.api_key = _resolve_api_key(api_key)
        self.base_url = _resolve_base_url(base_url)
        self.max_retries = max_retries

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.base_url)!r})"

    def _default_headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/json",
            "User-Agent": f"botsieve-client/{__version__} python/{platform.python_version()}",
        }

    @staticmethod
    def _build_request(
        http: httpx.Client | httpx.AsyncClient, call: _calls.Call[T]
    ) -> httpx.Request:
        # One request id for every attempt, so the service's logs tie the retries together.
        headers = {"X-Request-ID": uuid.uuid4().hex, **call.headers}
        return http.build_request(
            call.method,
            call.path.lstrip("/"),
            params=call.params or None,
            json=call.json,
            headers=headers,
        )

    def _retry_delay(
        self, call: _calls.Call[T], attempt: int, response: httpx.Response | None
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to stop here."""
        if not call.retryable or (response is not None and response.is_success):
            return None
        delay = retry_delay(attempt, self.max_retries, response)
        if delay is not None:
            why = f"status {response.status_code}" if response is not None else "no answer"
            log.info("retrying %s %s after %s in %.2f s", call.method, call.path, why, delay)
        return delay

    @staticmethod
    def _parse(call: _calls.Call[T], response: httpx.Response) -> T:
        if not response.is_success:
            raise error_from_response(response)
        try:
            return call.model.model_validate_json(response.content)
        except ValidationError as exc:
            raise APIResponseValidationError(
                f"{call.method} {call.path} answered {response.status_code} with a body that is "
                f"not a {call.model.__name__}: {exc.error_count()} problems",
                response=response,
            ) from exc

    @staticmethod
    def _connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(
                f"{request.method} {request.url} timed out ({type(exc).__name__})", request=request
            )
        return APIConnectionError(
            f"{request.method} {request.url} got no answer: {exc or type(exc).__name__}",
            request=request,
        )
