"""``botsieve users create`` makes the first admin; the password then signs in."""

from __future__ import annotations

import subprocess

from tests.live_server import BIN, READY_CEILING_SECONDS


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=READY_CEILING_SECONDS,  # only against a hang: a busy machine is slower, not red
    )


def test_users_create_and_list(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "BOTSIEVE_ENV": "development",
        "BOTSIEVE_DATA_DIR": str(tmp_path),
        "BOTSIEVE_LOG_LEVEL": "warning",
    }
    assert _cli(env, "migrate").returncode == 0
    made = _cli(env, "users", "create", "--email", "Boss@Example.org", "--password", "long enough")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "created admin boss@example.org"
    again = _cli(env, "users", "create", "--email", "boss@example.org", "--password", "long enough")
    assert again.returncode == 1 and "exists already" in again.stderr
    short = _cli(env, "users", "create", "--email", "x@example.org", "--password", "short")
    assert short.returncode == 2
    listed = _cli(env, "users", "list")
    assert "admin" in listed.stdout and "boss@example.org" in listed.stdout
