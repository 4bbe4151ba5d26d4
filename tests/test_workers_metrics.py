"""With several workers, /metrics counts the requests of all of them, whichever one answers."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.live_server import LiveServer

HEALTH = re.compile(r'^botsieve_http_requests_total\{route="/health",status="200"\} (\S+)$', re.M)


def test_metrics_add_up_every_worker(database_url: str, tmp_path: Path) -> None:
    server = LiveServer(database_url, tmp_path)
    server.env["BOTSIEVE_WORKERS"] = "2"
    server.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    key = server.create_key("secret")
    stale = tmp_path / "metrics" / "counter_99999.db"
    stale.parent.mkdir()
    stale.write_bytes(b"left by an earlier run")
    with server:
        sent = 0
        # New connections until both workers have answered some (which one accepts a
        # connection is the kernel's choice, so count until it happened, not to a fixed number).
        while len(_workers_with_samples(tmp_path)) < 2 and sent < 5000:
            assert httpx.get(f"{server.url}/health").status_code == 200
            sent += 1
        assert len(_workers_with_samples(tmp_path)) >= 2
        headers = {"Authorization": f"Bearer {key}"}
        for _ in range(5):
            body = httpx.get(f"{server.url}/metrics", headers=headers).text
            match = HEALTH.search(body)
            # The start-up probe of LiveServer.start() is a /health request too.
            assert match is not None and float(match.group(1)) >= sent
        assert not stale.exists()


def _workers_with_samples(data_dir: Path) -> set[str]:
    files = {p.name for p in (data_dir / "metrics").glob("*.db")}
    return {name.rsplit("_", 1)[-1] for name in files if name != "counter_99999.db"}
