"""Schemathesis over /openapi.json against a real server: no input makes a 5xx, and every
answer, the 4xx ones included, is one the document lists, in its documented shape.

Runs schemathesis' own command line (its pytest plugin does not load under this pytest). make
test runs it on SQLite and on PostgreSQL; 10 examples per operation keep it to a few minutes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.factories import SESSION_BODY
from tests.live_server import LiveServer

SCHEMATHESIS = Path(sys.executable).parent / "st"
# No 5xx, and every answer (the 4xx ones included) has a status code, media type and body that
# the OpenAPI document lists for that operation.
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)


def test_no_generated_request_makes_a_server_error(database_url, tmp_path):
    server = LiveServer(database_url, tmp_path, os.environ.get("BOTSIEVE_TEST_REDIS_URL"))
    key = server.create_key("secret")
    server.start()
    try:
        auth = f"Authorization: Bearer {key}"
        httpx.post(
            f"{server.url}/api/v1/detection/sessions",
            json=SESSION_BODY,
            headers={"Authorization": f"Bearer {key}"},
        )
        done = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                "10",
                "--header",
                auth,
                "--seed",
                "20261128",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
        (tmp_path / "schemathesis.log").write_text(done.stdout + done.stderr)
        assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
        assert re.search(r"\b[1-9]\d* passed", done.stdout), done.stdout[-2000:]
        log = server.log.read_text()
        assert "unhandled_error" not in log, log[-3000:]
    finally:
        server.stop()
