"""A real ``botsieve serve`` process, for tests that need a server to stop and start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "botsieve"
START_CAP_SECONDS = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, database_url: str, data_dir: Path, redis_url: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "BOTSIEVE_ENV": "test",
            "BOTSIEVE_DATABASE_URL": database_url,
            "BOTSIEVE_DATA_DIR": str(data_dir),
            "BOTSIEVE_SECRET_KEY": "live-server-secret-" + "y" * 40,
            "BOTSIEVE_LOG_LEVEL": "warning",
            "BOTSIEVE_KEY_CACHE_SECONDS": "0",
        }
        if redis_url:
            self.env["BOTSIEVE_REDIS_URL"] = redis_url
        self.log = data_dir / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN), *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def create_key(self, kind: str = "secret", *origins: str) -> str:
        extra = [arg for o in origins for arg in ("--origin", o)]
        return self.cli("keys", "create", "--kind", kind, "--name", "live", *extra).splitlines()[-1]

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # A readiness wait: until it answers or exits. The cap only keeps a broken build from
        # hanging CI; a loaded machine took over 30 s to start a server.
        deadline = time.monotonic() + START_CAP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()  # never leave a half-started server behind
        raise RuntimeError(f"server did not start in {START_CAP_SECONDS:.0f} s")

    def kill(self) -> None:
        """Stop abruptly, as a crash or a power cut would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
