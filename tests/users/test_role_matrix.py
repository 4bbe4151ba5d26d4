"""Every dashboard API endpoint against every kind of caller: who is let in, who is not."""

from __future__ import annotations

import itertools
import re
import uuid
from typing import Any

import pytest

from tests.factories import new_session
from tests.users.conftest import ROLES, https_client, login, make_user

RANK = {"viewer": 0, "analyst": 1, "admin": 2}
SID = "{session}"
_emails = itertools.count()


def _new_user() -> dict[str, Any]:
    return {"email": f"new{next(_emails)}@example.org", "password": "long enough pw"}


# (method, path, body, the least role allowed)
MATRIX: list[tuple[str, str, Any, str]] = [
    ("GET", "/api/v1/dashboard/overview", None, "viewer"),
    ("GET", "/api/v1/dashboard/sessions", None, "viewer"),
    ("GET", f"/api/v1/dashboard/sessions/{SID}/details", None, "viewer"),
    ("GET", f"/api/v1/dashboard/sessions/{SID}/events", None, "viewer"),
    ("PUT", f"/api/v1/dashboard/sessions/{SID}/label", {"label": "bot"}, "analyst"),
    ("POST", f"/api/v1/dashboard/sessions/{SID}/reanalyze", None, "analyst"),
    ("GET", "/api/v1/auth/me", None, "viewer"),
    ("GET", "/api/v1/settings", None, "viewer"),
    ("PUT", "/api/v1/settings", {"retention": {"retention_days": 60}}, "admin"),
    ("GET", "/api/v1/keys", None, "admin"),
    ("POST", "/api/v1/keys", {"name": "k", "kind": "secret"}, "admin"),
    ("DELETE", f"/api/v1/keys/{uuid.UUID(int=1)}", None, "admin"),
    ("GET", "/api/v1/users", None, "admin"),
    ("POST", "/api/v1/users", _new_user, "admin"),
    ("PATCH", f"/api/v1/users/{uuid.UUID(int=1)}", {"name": "x"}, "admin"),
    ("DELETE", f"/api/v1/users/{uuid.UUID(int=1)}", None, "admin"),
    ("GET", "/api/v1/dashboard/sessions/export.csv", None, "viewer"),
    ("GET", "/api/v1/dashboard/review", None, "viewer"),
    ("GET", "/api/v1/dashboard/surveys", None, "viewer"),
    ("GET", f"/api/v1/dashboard/surveys/{uuid.UUID(int=1)}", None, "viewer"),
    ("GET", "/api/v1/dashboard/review/history.csv", None, "viewer"),
    (
        "POST",
        "/api/v1/dashboard/review/decisions",
        {"session_ids": [SID], "state": "dismissed"},
        "analyst",
    ),
    ("GET", "/api/v1/decision-rules", None, "viewer"),
    ("GET", "/api/v1/decision-rules/effective", None, "viewer"),
    ("POST", "/api/v1/decision-rules/preview", {"threshold": 0.5}, "viewer"),
    ("PUT", "/api/v1/decision-rules/install", {"threshold": 0.9}, "admin"),
    ("DELETE", "/api/v1/decision-rules/install", None, "admin"),
    ("PUT", f"/api/v1/decision-rules/surveys/{uuid.UUID(int=1)}", {"threshold": 0.9}, "admin"),
    ("DELETE", f"/api/v1/decision-rules/surveys/{uuid.UUID(int=1)}", None, "admin"),
    ("GET", "/api/v1/integrations", None, "viewer"),
    ("GET", "/api/v1/integrations/status", None, "viewer"),
    ("GET", "/api/v1/integrations/webhooks", None, "viewer"),
    ("GET", "/api/v1/integrations/webhooks/deliveries", None, "viewer"),
    (
        "POST",
        "/api/v1/integrations",
        {"platform": "qualtrics", "name": "n", "survey_id": "S"},
        "admin",
    ),
    ("POST", f"/api/v1/integrations/{uuid.UUID(int=1)}/rotate", None, "admin"),
    ("PATCH", f"/api/v1/integrations/{uuid.UUID(int=1)}", {"name": "renamed"}, "admin"),
    ("POST", f"/api/v1/integrations/{uuid.UUID(int=1)}/retry", None, "admin"),
    ("DELETE", f"/api/v1/integrations/{uuid.UUID(int=1)}", None, "admin"),
    ("DELETE", f"/api/v1/integrations/webhooks/{uuid.UUID(int=1)}", None, "admin"),
    ("GET", f"/api/v1/surveys/{uuid.UUID(int=1)}/responses", None, "viewer"),
    ("POST", "/api/v1/integrations/webhooks", {"url": "https://hooks.example/x"}, "admin"),
    ("POST", f"/api/v1/integrations/webhooks/{uuid.UUID(int=1)}/rotate", None, "admin"),
    ("POST", f"/api/v1/integrations/webhooks/{uuid.UUID(int=1)}/test", None, "admin"),
]
# Not role-checked on purpose: signing in, and signing out (which needs any login); and what
# the survey platforms call, which carries the platform's own token or signature instead.
UNGUARDED = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/integrations/qualtrics/score"),
    ("POST", "/api/v1/integrations/qualtrics/events/{x}"),
    ("POST", "/api/v1/integrations/decipher/score"),
    ("POST", "/api/v1/integrations/generic/events/{x}"),
    ("GET", "/api/v1/integrations/qualtrics/events/{x}"),
    ("GET", "/api/v1/integrations/generic/events/{x}"),
    ("POST", "/api/v1/integrations/qualtrics/entry"),
    ("POST", "/api/v1/integrations/decipher/entry"),
    # The respondent's browser at the end of a survey: the path's token is the credential.
    ("GET", "/api/v1/integrations/{x}/redirect/{token}/{outcome}"),
}
GUARDED_TAGS = {"dashboard", "users", "settings", "integrations", "decision rules"}
ID_PARAMS = r"\{(key_id|user_id|integration_id|endpoint_id|hook)\}"


def test_the_matrix_names_every_dashboard_endpoint(app):
    paths = app.openapi()["paths"]
    routes = {
        (
            method.upper(),
            re.sub(r"\{(key_id|user_id|integration_id|endpoint_id|hook|survey_id)\}", "{x}", path),
        )
        for path, operations in paths.items()
        for method, operation in operations.items()
        if GUARDED_TAGS & set(operation.get("tags", []))
    }
    listed = {
        (m, p.replace(SID, "{session_id}").replace(str(uuid.UUID(int=1)), "{x}"))
        for m, p, _, _ in MATRIX
    }
    assert routes - UNGUARDED == listed


@pytest.mark.parametrize("caller", ["anonymous", "publishable", *ROLES, "secret"])
async def test_each_caller_reaches_exactly_what_its_role_allows(
    app, client, admin, browser, caller
):
    session = await new_session(client, admin)
    headers: dict[str, str] = {}
    async with https_client(app) as web:
        if caller in ROLES:
            headers = await login(web, await make_user(app, caller))
        elif caller == "secret":
            headers = admin
        elif caller == "publishable":
            headers = browser
        for method, path, body, least in MATRIX:
            payload = body() if callable(body) else body
            url = path.replace(SID, session["session_id"])
            response = await web.request(method, url, json=payload, headers=headers)
            if caller == "anonymous":
                expected_denied: int | None = 401
            elif caller == "publishable" or (caller in ROLES and RANK[caller] < RANK[least]):
                expected_denied = 403
            else:
                expected_denied = None
            if expected_denied is None:
                assert response.status_code not in (401, 403), (caller, method, path, response.text)
            else:
                assert response.status_code == expected_denied, (caller, method, path)
