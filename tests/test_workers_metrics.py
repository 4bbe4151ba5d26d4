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
    server.start()
    try:
        for _ in range(40):
            # A new connection each time, so that both workers take some.
            assert httpx.get(f"{server.url}/health").status_code == 200
        headers = {"Authorization": f"Bearer {key}"}
        for _ in range(5):
            body = httpx.get(f"{server.url}/metrics", headers=headers).text
            match = HEALTH.search(body)
            # The start-up probe of LiveServer.start() is a /health request too.
            assert match is not None and float(match.group(1)) >= 40
        files = {p.name for p in (tmp_path / "metrics").glob("*.db")}
        workers = {name.rsplit("_", 1)[-1] for name in files}
        assert "counter_99999.db" not in files
        assert len(workers) >= 2, files
    finally:
        server.stop()
