"""The OpenAPI document lists each operation's 4xx answers, in the one error shape."""

from __future__ import annotations

import uuid

from botsieve.kit.openapi_errors import ERROR_SCHEMA


def test_every_operation_documents_its_4xx_in_the_error_shape(app):
    schema = app.openapi()
    assert schema["components"]["schemas"]["Error"] == ERROR_SCHEMA
    assert "HTTPValidationError" not in repr(schema)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {c: r for c, r in operation["responses"].items() if c.startswith("4")}
            assert {"401", "429"} <= set(errors), f"{method} {path}"
            for code, answer in errors.items():
                assert answer["$ref"].startswith("#/components/responses/"), (method, path, code)


async def test_a_real_422_and_404_have_the_documented_shape(client, admin):
    reply = await client.get(f"/api/v1/detection/sessions/{uuid.uuid4()}/status", headers=admin)
    assert reply.status_code == 404
    invalid = await client.get("/api/v1/detection/sessions/not-a-uuid/status", headers=admin)
    assert invalid.status_code == 422
    for body in (reply.json(), invalid.json()):
        assert set(body) == set(ERROR_SCHEMA["required"])
        assert set(body["error"]) == set(ERROR_SCHEMA["properties"]["error"]["required"])
