"""Python client for botsieve: create sessions, send events, read verdicts and the dashboard.

from botsieve_client import Client

with Client() as client:  # BOTSIEVE_URL and BOTSIEVE_API_KEY from the environment
    session = client.create_session(survey_id="SV_1")
"""

from botsieve_client import models
from botsieve_client._async_client import AsyncClient
from botsieve_client._client import Client
from botsieve_client._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BotsieveError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from botsieve_client._version import __version__

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "BotsieveError",
    "Client",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "__version__",
    "models",
]
