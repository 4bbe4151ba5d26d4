"""A failed-authentication flood beside steady authenticated reads: how much slower do they get?

Run: ``.venv/bin/python -m bench.auth_flood`` (SQLite; ``--db postgresql`` with
BOTSIEVE_TEST_PG_URL set). A reader GETs a session's status with a valid secret key at a steady
rate; in alternate rounds a flood of random well-formed secret keys runs beside it from another
address, at a fixed rate far above the failed-authentication limit. The server trusts the
loopback proxy, so the two addresses are X-Forwarded-For ones (a flooder sharing the reader's
address would get the reader refused too: the limit is per address, by design). The figure is
the median over rounds of the reader's p99 with the flood against without it; beside it the
server's CPU per authenticated read in each (in the flooded run all of the server's CPU, the
flood's included, divided by the reads), which a shared machine's load moves less. The load
generator (wrk) shares the machine, so on a small loaded machine part of the slowdown is the
flood's own CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import httpx
from limits import parse
from tests.factories import SESSION_BODY, mouse_path

from bench import cpu
from bench.run import LUA, server_for, wrk_binary
from botsieve.kit.settings import Settings


def _wrk(
    script: str, url: str, seconds: int, connections: int, rate: float, env: dict[str, str]
) -> dict[str, Any]:
    delay_ms = int(1000 * connections / rate)
    done = subprocess.run(
        [
            wrk_binary(),
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA / script),
            url,
        ],
        env={**os.environ, "BENCH_LUA_DIR": str(LUA), "BENCH_DELAY_MS": str(delay_ms), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    summary: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    summary["requests_per_s"] = round(summary["requests"] / (summary["duration_us"] / 1e6), 1)
    return summary


def _into(out: dict[str, Any], *wrk_args: Any) -> None:
    out.update(_wrk(*wrk_args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--read-rate", type=float, default=50.0, help="authenticated reads/s")
    parser.add_argument("--flood-rate", type=float, default=300.0, help="wrong keys/s")
    args = parser.parse_args()
    limit = parse(
        Settings(env="development", data_dir=Path(tempfile.mkdtemp())).rate_limit_failed_auth_per_ip
    )
    os.environ["BOTSIEVE_TRUSTED_PROXIES"] = '["127.0.0.1"]'
    with tempfile.TemporaryDirectory() as tmp, server_for(args.db, Path(tmp)) as server:
        key = server.create_key("secret")
        auth = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=server.url, headers=auth, timeout=30) as client:
            sid = client.post("/api/v1/detection/sessions", json=SESSION_BODY).json()["session_id"]
            events = {"batch_id": "b0", "events": mouse_path(200)}
            assert (
                client.post(f"/api/v1/detection/sessions/{sid}/events", json=events).status_code
                == 202
            )
        url = f"{server.url}/api/v1/detection/sessions/{sid}/status"
        reader_env = {"BENCH_AUTH": auth["Authorization"]}
        rounds: list[dict[str, Any]] = []
        for _ in range(args.rounds):
            pids = [server.process.pid] if server.process else []
            spent = cpu.seconds(pids)
            quiet = _wrk("paced.lua", url, args.seconds, 2, args.read_rate, reader_env)
            quiet_cpu, spent = cpu.seconds(pids) - spent, cpu.seconds(pids)
            flood: dict[str, Any] = {}
            flood_args: tuple[Any, ...] = (
                "flood.lua",
                url,
                args.seconds + 2,
                8,
                args.flood_rate,
                {},
            )
            flooder = threading.Thread(target=_into, args=(flood, *flood_args))
            flooder.start()
            loaded = _wrk("paced.lua", url, args.seconds, 2, args.read_rate, reader_env)
            flooder.join()
            flood_cpu = cpu.seconds(pids) - spent
            both = loaded["requests"] + flood["requests"]
            # The flood's share of the server's CPU: what the run with it cost beyond the reader.
            flood["server_cpu_ms_per_request"] = round(
                1000
                * (flood_cpu - quiet_cpu * loaded["requests"] / quiet["requests"])
                / max(1, both - loaded["requests"]),
                3,
            )
            # Server CPU per authenticated request, the flood's cost included: loads move it less
            # than latency on a shared machine.
            quiet["server_cpu_ms_per_read"] = round(1000 * quiet_cpu / max(1, quiet["requests"]), 3)
            loaded["server_cpu_ms_per_read"] = round(
                1000 * flood_cpu / max(1, loaded["requests"]), 3
            )
            rounds.append(
                {
                    "quiet": quiet,
                    "flooded": loaded,
                    "flood": flood,
                    "load_average": os.getloadavg()[0],
                }
            )
    quiet_p99 = statistics.median(r["quiet"]["p99_ms"] for r in rounds)
    flooded_p99 = statistics.median(r["flooded"]["p99_ms"] for r in rounds)
    flood_rate = statistics.median(r["flood"]["requests_per_s"] for r in rounds)
    per_second_limit = limit.amount / limit.get_expiry()
    result = {
        "db": args.db,
        "reader_p99_ms_quiet": quiet_p99,
        "reader_p99_ms_flooded": flooded_p99,
        "slowdown_percent": round(100 * (flooded_p99 / quiet_p99 - 1), 1),
        "reader_server_cpu_ms_quiet": statistics.median(
            r["quiet"]["server_cpu_ms_per_read"] for r in rounds
        ),
        "reader_server_cpu_ms_flooded": statistics.median(
            r["flooded"]["server_cpu_ms_per_read"] for r in rounds
        ),
        "flood_requests_per_s": flood_rate,
        "flood_non_2xx": sum(r["flood"]["non_2xx"] for r in rounds),
        "flood_times_the_failed_auth_limit": round(flood_rate / per_second_limit, 1),
        "flood_server_cpu_ms_per_request": statistics.median(
            r["flood"]["server_cpu_ms_per_request"] for r in rounds
        ),
        "reader_non_2xx": sum(r["flooded"]["non_2xx"] + r["quiet"]["non_2xx"] for r in rounds),
        "load_average": [round(r["load_average"], 1) for r in rounds],
        "rounds": rounds,
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
