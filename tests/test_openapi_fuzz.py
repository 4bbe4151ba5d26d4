"""Schemathesis over /openapi.json against a real server: no input makes a 5xx, and every
answer, the 4xx ones included, is one the document lists, in its documented shape.

Runs schemathesis' own command line (its pytest plugin does not load under this pytest), in
its default mode: valid and invalid inputs (so the documented 4xx answers are exercised), through
its examples, coverage, fuzzing and stateful phases. make test runs it on SQLite and on
PostgreSQL with BOTSIEVE_TEST_FUZZ_EXAMPLES examples per operation (default below); a larger
run for the figure in docs/service.md: ``BOTSIEVE_TEST_FUZZ_EXAMPLES=200
BOTSIEVE_TEST_DATABASE=postgresql pytest -s tests/test_openapi_fuzz.py``.
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
EXAMPLES = int(os.environ.get("BOTSIEVE_TEST_FUZZ_EXAMPLES", "10"))
HANG_CEILING_SECONDS = 3 * 3600  # only against a hung run; a large one takes long on a busy host
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
                str(EXAMPLES),
                "--header",
                auth,
                "--seed",
                "20261128",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=HANG_CEILING_SECONDS,
            cwd=tmp_path,
        )
        (tmp_path / "schemathesis.log").write_text(done.stdout + done.stderr)
        assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
        cases = re.search(r"(\d+) generated, ([1-9]\d*) passed", done.stdout)
        assert cases, done.stdout[-2000:]
        log = server.log.read_text()
        assert "unhandled_error" not in log, log[-3000:]
        print(
            f"\nschemathesis, {EXAMPLES} examples per operation: {cases[1]} cases generated, "
            f"{cases[2]} passed, 0 server errors; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        server.stop()
