"""The live test server stops what it started when start-up fails: its process and every worker
it forked, whether it died starting or never became ready."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from tests.live_server import READY_CEILING_SECONDS, LiveServer

# A stand-in for `botsieve serve` that forks a worker (in its own process group, as uvicorn's
# workers are), says which, and then either exits or never answers.
FORKING = """
import subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open(sys.argv[1], "w").write(str(worker.pid))
if sys.argv[2] == "exit":
    sys.exit(3)
time.sleep(600)
"""


class ForkingServer(LiveServer):
    def __init__(self, tmp_path: Path, then: str) -> None:
        super().__init__("sqlite+inline:///unused.db", tmp_path)
        self.worker_file = tmp_path / "worker.pid"
        self.then = then

    def command(self) -> list[str]:
        return [sys.executable, "-c", FORKING, str(self.worker_file), self.then]

    def _wait_until_ready(self) -> None:
        if self.then == "exit":
            return super()._wait_until_ready()
        # Never ready: fail as a hung start-up does, once the worker is there to be left behind.
        _wait_for(self.worker_file.exists)
        raise RuntimeError("server hung")


def _wait_for(condition) -> None:
    ceiling = time.monotonic() + READY_CEILING_SECONDS  # only against a hang
    while not condition():
        assert time.monotonic() < ceiling, "condition never held"
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"  # killed, waiting for init to reap it


@pytest.mark.parametrize("then", ["exit", "hang"])
def test_a_failed_start_stops_the_server_and_its_workers(tmp_path, then):
    server = ForkingServer(tmp_path, then)
    with pytest.raises(RuntimeError, match="exited" if then == "exit" else "hung"):
        server.start()
    worker = int(server.worker_file.read_text())
    try:
        _wait_for(lambda: _gone(worker))
    finally:
        if not _gone(worker):
            os.kill(worker, 9)
    assert server.process is None
