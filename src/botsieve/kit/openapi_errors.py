"""The 4xx (and 503) answers in the OpenAPI document, all in the one error shape (kit/errors).

Which answers an operation lists follows from what it has. Every operation may be refused at
the edge (414, 431), meet a database or Redis outage (503), and be unauthenticated (401), forbidden
(403) or rate-limited (429): every route but the health checks wants a key, a login, a
signature or a token, and the failed-authentication limit is per address on every route. One
with parameters or a body may be malformed (400, 422); one with a body may be too large (413)
or of another media type (415); one that changes data may be in conflict (409); one with a
path parameter, a body or that changes data may name something that is not there (404).
FastAPI's own 422 schema (HTTPValidationError) is replaced: botsieve never sends it.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "request_id"],
            "properties": {
                "code": {"type": "string", "description": "e.g. validation_failed, not_found"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
                "request_id": {"type": ["string", "null"]},
            },
        }
    },
}

ANSWERS: dict[str, tuple[str, str]] = {
    "400": ("BadRequest", "The request is malformed (a body that is not JSON, say)."),
    "401": ("Unauthorized", "No valid API key, login, signature or session token."),
    "403": ("Forbidden", "The key or login may not do this."),
    "404": ("NotFound", "Nothing with that id (or not visible to this caller)."),
    "409": ("Conflict", "The request conflicts with what is stored."),
    "413": ("PayloadTooLarge", "The body is over the limit of its route class."),
    "414": ("UriTooLong", "The URL is over the limit."),
    "415": ("UnsupportedMediaType", "The body is not of a media type this route reads."),
    "422": ("ValidationFailed", "A parameter or the body fails validation; details say where."),
    "429": ("RateLimited", "Too many requests; Retry-After says when to try again."),
    "431": ("HeadersTooLarge", "The headers are over the limit."),
    "503": (
        "Unavailable",
        "The database or Redis is unreachable, or too slow to answer; Retry-After says when "
        "to try again.",
    ),
}
_CHANGES = {"post", "put", "patch", "delete"}


def _answers_for(method: str, operation: dict[str, Any]) -> list[str]:
    params = operation.get("parameters") or []
    body = "requestBody" in operation
    # Every route but the health checks is behind a key, a login, a signature or a token, and
    # an address that keeps failing authentication is limited on every route.
    codes = ["401", "403", "414", "429", "431", "503"]
    if params or body:
        codes += ["400", "422"]
    if body:
        codes += ["413", "415"]
    if method in _CHANGES:
        codes.append("409")
    if body or method in _CHANGES or any(p.get("in") == "path" for p in params):
        codes.append("404")
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers to every operation of ``schema`` (in place) and return it."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    shared = components.setdefault("responses", {})
    for name, description in ANSWERS.values():
        shared[name] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    components["schemas"].pop("HTTPValidationError", None)
    components["schemas"].pop("ValidationError", None)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _answers_for(method, operation):
                if code not in responses or code == "422":
                    responses[code] = {"$ref": f"#/components/responses/{ANSWERS[code][0]}"}
    return schema
