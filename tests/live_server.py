"""A real ``botsieve serve`` process, for tests that need a server to stop and start."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "botsieve"
READY_CEILING_SECONDS = 600


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
        self._own_group = False

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN), *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def create_key(self, kind: str = "secret", *origins: str) -> str:
        extra = [arg for o in origins for arg in ("--origin", o)]
        return self.cli("keys", "create", "--kind", kind, "--name", "live", *extra).splitlines()[-1]

    def command(self) -> list[str]:
        return [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(self.port)]

    def start(self) -> None:
        """Start and wait until /health answers: however long a busy machine takes, as long as
        the process lives. If it dies or never answers, stop what was started (every worker it
        forked too), then raise."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group: stopping it stops every worker it forked.
                start_new_session=True,
            )
        self._own_group = True
        try:
            self._wait_until_ready()
        except BaseException:
            self.kill()
            raise

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        # Only a ceiling against a hung start-up; readiness is what ends the wait.
        ceiling = time.monotonic() + READY_CEILING_SECONDS
        while time.monotonic() < ceiling:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(
            f"server hung for {READY_CEILING_SECONDS} s: {self.log.read_text()[-2000:]}"
        )

    def _signal_group(self, sig: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            # The group outlives its leader: a server that died starting up can leave workers
            # in it, so signal the group even when the leader is gone. A subclass may start the
            # process outside a group of its own (bench/run.py's PatientServer): then only it.
            if self._own_group:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)

    def kill(self) -> None:
        """Stop abruptly, as a crash or a power cut would (every worker with it)."""
        if self.process is not None:
            self._signal_group(signal.SIGKILL)
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(30)
            self._signal_group(signal.SIGKILL)  # workers that outlived their parent
            self.process.wait()
        self.process = None

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
