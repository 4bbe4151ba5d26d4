"""A real ``botsieve serve`` process for the SDK's live tests.

The service's own tests do the same in tests/live_server.py; the SDK does not import the
service's code. Commands run in the data folder so that no ``.env`` file changes the settings.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SECRET = "sdk-live-tests-" + "s" * 40


def botsieve_bin() -> str:
    """``$BOTSIEVE_BIN``, else the ``botsieve`` beside this Python (the project's venv)."""
    return os.environ.get("BOTSIEVE_BIN") or str(Path(sys.executable).parent / "botsieve")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveService:
    def __init__(self, data_dir: Path, **settings: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "BOTSIEVE_ENV": "test",
            "BOTSIEVE_SECRET_KEY": SECRET,
            "BOTSIEVE_DATABASE_URL": f"sqlite+inline:///{data_dir}/db.sqlite",
            "BOTSIEVE_DATA_DIR": str(data_dir),
            "BOTSIEVE_KEY_CACHE_SECONDS": "0",
            "BOTSIEVE_LOG_LEVEL": "warning",
            **settings,
        }
        self.log = data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [botsieve_bin(), *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"botsieve {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def create_key(self, kind: str = "secret", *origins: str) -> str:
        extra = [arg for origin in origins for arg in ("--origin", origin)]
        out = self.cli("keys", "create", "--kind", kind, "--name", "sdk", *extra)
        return out.strip().splitlines()[-1]

    def start(self) -> None:
        self.cli("migrate")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [botsieve_bin(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                cwd=self.data_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"botsieve serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("botsieve serve did not answer /health within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
