"""What the client raises.

::

    BotsieveError                   everything below; also bad configuration (no URL or key)
    ├── APIError                    the service answered with an error (any 4xx or 5xx)
    │   ├── BadRequestError             400  e.g. a cursor the API did not give out
    │   ├── AuthenticationError         401  no key, or an unknown or revoked one
    │   ├── PermissionDeniedError       403  e.g. a publishable key on a secret-key endpoint
    │   ├── NotFoundError               404  no such session, or not analysed yet
    │   ├── ConflictError               409  e.g. events for an expired session
    │   ├── PayloadTooLargeError        413  a batch over 1 MB
    │   ├── UnprocessableEntityError    422  invalid fields; ``details`` names them
    │   ├── RateLimitError              429  ``retry_after`` says when to come back
    │   └── InternalServerError         5xx
    ├── APIConnectionError          no answer: the service could not be reached
    │   └── APITimeoutError             it did not answer in time
    └── APIResponseValidationError  a 2xx answer that is not what the API promises

Every ``APIError`` carries the service's error record: ``status_code``, ``code`` (such as
``validation_failed``), ``message``, ``details`` and ``request_id`` (also in the service's logs),
and the ``response`` itself.
"""

from __future__ import annotations

from typing import Any

import httpx

from botsieve_client._retries import retry_after_seconds

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BotsieveError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
]


class BotsieveError(Exception):
    """Base of every error this client raises."""


class APIError(BotsieveError):
    """The service answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.response = response
        self.status_code = response.status_code
        self.code = code
        self.details = details or []
        self.request_id = request_id

    def __str__(self) -> str:
        where = f" (request {self.request_id})" if self.request_id else ""
        return f"{self.status_code} {self.code or 'error'}: {self.message}{where}"


class BadRequestError(APIError):
    pass


class AuthenticationError(APIError):
    pass


class PermissionDeniedError(APIError):
    pass


class NotFoundError(APIError):
    pass


class ConflictError(APIError):
    pass


class PayloadTooLargeError(APIError):
    pass


class UnprocessableEntityError(APIError):
    pass


class RateLimitError(APIError):
    @property
    def retry_after(self) -> float | None:
        """Seconds the service asked to wait (its ``Retry-After`` header), if it said."""
        return retry_after_seconds(self.response)


class InternalServerError(APIError):
    pass


class APIConnectionError(BotsieveError):
    """The request got no answer (refused, reset, DNS, TLS...)."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APITimeoutError(APIConnectionError):
    pass


class APIResponseValidationError(BotsieveError):
    """A successful answer whose body does not fit the documented model."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.message = message
        self.response = response
        self.status_code = response.status_code


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_from_response(response: httpx.Response) -> APIError:
    """The error for a 4xx or 5xx answer, read from the service's one error shape.

    An answer not in that shape (say a proxy's HTML page) still gives the right class, with the
    reason phrase as the message and the ``X-Request-ID`` header, if any, as the request id.
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    record = body.get("error") if isinstance(body, dict) else None
    if not isinstance(record, dict):
        record = {}
    code = record.get("code")
    message = record.get("message")
    details = record.get("details")
    request_id = record.get("request_id") or response.headers.get("x-request-id")
    status = response.status_code
    if not isinstance(message, str) or not message:
        message = response.reason_phrase or f"HTTP {status}"
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIError)
    return cls(
        message,
        response=response,
        code=code if isinstance(code, str) else None,
        details=[d for d in details if isinstance(d, dict)] if isinstance(details, list) else [],
        request_id=request_id if isinstance(request_id, str) else None,
    )
