"""The README's quick start works as written, against a real service."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from botsieve_client import Client

from .service import LiveService

README = Path(__file__).resolve().parents[2] / "README.md"


def quick_start() -> str:
    text = README.read_text()
    section = text.split("## Quick start", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "no python block under ## Quick start"
    return match.group(1)


def test_quick_start_is_ten_lines_or_fewer() -> None:
    lines = [line for line in quick_start().splitlines() if line.strip()]
    assert len(lines) <= 10, lines


def test_quick_start_runs(service: LiveService, secret_key: str, tmp_path: Path) -> None:
    with Client(base_url=service.url, api_key=secret_key) as client:
        before = len(list(client.iter_sessions(survey_id="SV_demo")))
    script = tmp_path / "quick_start.py"
    script.write_text(quick_start())
    env = {**os.environ, "BOTSIEVE_URL": service.url, "BOTSIEVE_API_KEY": secret_key}
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"(True|False) (low|medium|high|critical) .+\n", done.stdout), done.stdout
    with Client(base_url=service.url, api_key=secret_key) as client:
        rows = list(client.iter_sessions(survey_id="SV_demo"))
        assert len(rows) == before + 1
        newest = client.session_status(rows[0].session_id)
    assert newest.is_completed is True
    assert newest.event_count == 2
    assert newest.respondent_id == "R_1"
