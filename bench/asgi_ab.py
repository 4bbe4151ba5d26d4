"""A/B of ASGI servers on one SQLite database in one run: uvicorn (``botsieve serve``) and granian.

    pip install granian && python -m bench.asgi_ab [--seconds 5] [--rounds 2]

Each round starts each server in turn on the same database and key, and measures the floor,
session creation and single-event ingestion with wrk, with the server's CPU time per request
(the whole process tree: granian serves from a child process). Rounds alternate the servers so
that a slower minute on a shared machine does not fall on one of them only.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench import run

BIN = Path(sys.executable).parent


def _command(server: str, port: int) -> list[str]:
    if server == "uvicorn":
        return [str(BIN / "botsieve"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [
        str(BIN / "granian"),
        *("--interface", "asgi", "--factory", "--workers", "1", "--no-access-log"),
        *("--host", "127.0.0.1", "--port", str(port), "botsieve.app:create_app"),
    ]


def _measure(server: str, env: dict[str, str], key: str, seconds: int, work: Path) -> Any:
    from tests.deploy.cluster import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (work / f"{server}.log").open("ab") as log:
        process = subprocess.Popen(_command(server, port), env=env, stdout=log, stderr=log)
    try:
        while process.poll() is None:
            try:
                if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        pids = [process.pid, *map(int, children)]
        bare = run.floor(url, seconds, pids)
        creation = run.wrk("create.lua", url, seconds, {"BENCH_KEY": key}, pids)
        single = run.ingestion(url, key, seconds, 1, work, pids)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return {
        name: {
            "requests_per_s": figures["requests_per_s"],
            "ratio_to_floor": round(figures["requests_per_s"] / bare["requests_per_s"], 2),
            "server_cpu_ms_per_request": figures["server_cpu_ms_per_request"],
        }
        for name, figures in (("floor", bare), ("creation", creation), ("single", single))
    } | {"load_average": run.load_average()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": run.machine(), "rounds": []}
    with tempfile.TemporaryDirectory(prefix="botsieve-ab-") as tmp:
        with run.server_for("sqlite", Path(tmp)) as server:  # migrates, makes the key
            key, env = server.create_key("secret"), dict(server.env)
        for turn in range(args.rounds):
            order = ("uvicorn", "granian") if turn % 2 == 0 else ("granian", "uvicorn")
            for name in order:
                figures = _measure(name, env, key, args.seconds, Path(tmp))
                results["rounds"].append({"server": name} | figures)
                print(json.dumps(results["rounds"][-1]), flush=True)
    out = run.RESULTS / "asgi-ab.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(out)


if __name__ == "__main__":
    sys.path.insert(0, str(run.ROOT))
    main()
