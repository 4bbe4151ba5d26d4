"""One error shape for every 4xx and 5xx.

Services raise ``BotsieveError`` subclasses (domain errors); the handlers here turn them, and
FastAPI's own validation and HTTP errors, into::

    {"error": {"code": "not_found", "message": "...", "details": [...], "request_id": "..."}}
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from botsieve.kit.responses import JSON

log = structlog.get_logger()

MAX_REPORTED_PROBLEMS = 10


class BotsieveError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers = headers or {}


class BadRequest(BotsieveError):
    pass


class Unauthorized(BotsieveError):
    status_code = 401
    code = "unauthorized"


class Forbidden(BotsieveError):
    status_code = 403
    code = "forbidden"


class NotFound(BotsieveError):
    status_code = 404
    code = "not_found"


class Conflict(BotsieveError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(BotsieveError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(BotsieveError):
    status_code = 415
    code = "unsupported_media_type"


class ValidationFailed(BotsieveError):
    status_code = 422
    code = "validation_failed"


class IdempotencyKeyReused(BotsieveError):
    status_code = 422
    code = "idempotency_key_reused"


class RateLimited(BotsieveError):
    status_code = 429
    code = "rate_limited"


class ServiceUnavailable(BotsieveError):
    status_code = 503
    code = "unavailable"


def error_body(
    code: str, message: str, request: Request, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or [],
            "request_id": request.scope.get("state", {}).get("request_id"),
        }
    }


def problems_from_pydantic(errors: list[Any]) -> list[dict[str, Any]]:
    """The first few validation problems, without echoing whole input documents back."""
    problems = []
    for err in errors[:MAX_REPORTED_PROBLEMS]:
        loc = [part for part in err.get("loc", ()) if part != "body"]
        problems.append({"loc": loc, "message": err.get("msg", ""), "type": err.get("type", "")})
    return problems


def error_response(request: Request, exc: BotsieveError) -> JSON:
    return JSON(
        error_body(exc.code, exc.message, request, exc.details),
        status_code=exc.status_code,
        headers=exc.headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BotsieveError)
    async def _domain(request: Request, exc: BotsieveError) -> JSON:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSON:
        problems = problems_from_pydantic(list(exc.errors()))
        summary = "; ".join(
            f"{'.'.join(str(p) for p in d['loc']) or 'body'}: {d['message']}" for d in problems[:3]
        )
        return JSON(
            error_body("validation_failed", f"Invalid request: {summary}", request, problems),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSON:
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "http_error"
        )
        return JSON(
            error_body(code, str(exc.detail), request),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSON:
        log.exception("unhandled_error", error=repr(exc))
        return JSON(
            error_body("internal_error", "An unexpected error occurred.", request),
            status_code=500,
        )
