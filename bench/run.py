"""The service's figures: ingestion, session creation, analysis and overview latency, storage.

    python -m bench.run [--db sqlite postgresql] [--seconds 10] [--repeats 3] [--sessions 1000000]

Each database gets a fresh server started with default settings (`botsieve serve`), loaded by
wrk on the same machine. Results go to bench/results/service-<db>.json and a table to
bench/results/service.md; scripts/bench.sh copies the table into the README.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from tests.factories import SESSION_BODY, mouse_path
from tests.live_server import LiveServer

from bench import cpu, seed

ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "wrk"
RESULTS = ROOT / "bench" / "results"
CONNECTIONS = 32


# One key drives the whole load in these benches; the per-key limit is not what is measured
# (on a fast machine session creation passes the default 30,000 a minute within seconds).
ONE_KEY_LOAD = {
    "rate_limit_secret_per_key": "10000000/minute",
    "rate_limit_publishable_per_key": "10000000/minute",
}


def load_averages() -> str:
    """The machine's load averages (1, 5, 15 min): the figures mean little without them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def with_machine(run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``run()``'s results, with the machine and its load averages before and after."""
    before = load_averages()
    results = run()
    results["machine"] = {**machine(), "load_before": before, "load_after": load_averages()}
    return results


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def wrk_binary() -> str:
    """wrk's path; a clear exit, not a traceback, when it is missing (``make bench`` installs
    it, a bench module run by hand may come first)."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench installs it)")
    return found


def wrk(
    script: str, url: str, seconds: int, env: dict[str, str], cpu_of: list[int] | None = None
) -> dict[str, Any]:
    """One wrk run; with ``cpu_of`` (server pids) also the servers' CPU time per request."""
    cpu_before = cpu.seconds(cpu_of or [])
    done = subprocess.run(
        [
            wrk_binary(),
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA / script),
            url,
        ],
        env={**os.environ, "BENCH_LUA_DIR": str(LUA), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"BENCH_JSON (\{.*\})", done.stdout)
    if not match:
        raise RuntimeError(f"wrk printed no summary: {done.stdout}\n{done.stderr}")
    summary: dict[str, Any] = json.loads(match.group(1))
    summary["requests_per_s"] = round(summary["requests"] / (summary["duration_us"] / 1e6), 1)
    if cpu_of:
        spent = cpu.seconds(cpu_of) - cpu_before
        summary["server_cpu_ms_per_request"] = round(spent * 1000 / max(1, summary["requests"]), 4)
    return summary


def floor(url: str, seconds: int, cpu_of: list[int]) -> dict[str, Any]:
    """A bare GET /health: what this machine and HTTP stack do with no work behind them."""
    return wrk("health.lua", f"{url}/health", seconds, {}, cpu_of)


class PatientServer(LiveServer):
    """Started with a readiness wait: a loaded machine may take longer than 30 s to start it."""

    def start(self) -> None:
        from tests.deploy.cluster import Instance

        instance = Instance("bench", self.log.parent, self.env)
        instance.port, instance.url, instance.log = self.port, self.url, self.log
        instance.env["BOTSIEVE_DATA_DIR"] = self.env["BOTSIEVE_DATA_DIR"]
        instance.start()
        self.process = instance.process

    def stop(self) -> None:
        # Started by Instance, in this process group, so not stopped by group as LiveServer does.
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@contextlib.contextmanager
def server_for(db: str, workdir: Path, workers: int = 1) -> Iterator[LiveServer]:
    if db == "postgresql":
        url = seed.create_pg_database(os.environ["BOTSIEVE_TEST_PG_URL"])
    else:
        url = f"sqlite+inline:///{workdir / 'bench.db'}"
    server = PatientServer(url, workdir)
    server.env.update(
        {
            "BOTSIEVE_ENV": "production",
            "BOTSIEVE_LOG_LEVEL": "info",
            "BOTSIEVE_WORKERS": str(workers),
            **{f"BOTSIEVE_{k.upper()}": v for k, v in ONE_KEY_LOAD.items()},
        }
    )
    server.env.pop("BOTSIEVE_KEY_CACHE_SECONDS", None)
    server.cli("migrate")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def server_pids(server: LiveServer) -> list[int]:
    return [server.process.pid] if server.process is not None else []


def _sessions(client: httpx.Client, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        reply = client.post("/api/v1/detection/sessions", json=SESSION_BODY)
        if reply.status_code != 201:
            raise RuntimeError(f"session creation answered {reply.status_code}: {reply.text}")
        ids.append(reply.json()["session_id"])
    return ids


def ingestion(
    url: str, key: str, seconds: int, events: int, workdir: Path, cpu_of: list[int]
) -> dict[str, Any]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client:
        ids = _sessions(client, 64)
    sessions_file = workdir / "sessions.txt"
    sessions_file.write_text("\n".join(ids))
    result = wrk(
        "ingest.lua",
        url,
        seconds,
        {"BENCH_KEY": key, "BENCH_SESSIONS": str(sessions_file), "BENCH_EVENTS": str(events)},
        cpu_of,
    )
    result["events_per_s"] = round(result["requests_per_s"] * events, 0)
    if "server_cpu_ms_per_request" in result:
        result["server_cpu_us_per_event"] = round(
            result["server_cpu_ms_per_request"] * 1000 / events, 2
        )
    return result


def survey_batch(start_t: float, index: int) -> list[dict[str, Any]]:
    """100 events as a survey page sends them: mostly pointer moves, some typing and clicks."""
    moves = mouse_path(80, start_t=start_t)
    t = moves[-1]["t"]
    rest: list[dict[str, Any]] = []
    for kind, extra in (
        ("mousedown", {"x": 10, "y": 20, "button": 0}),
        ("mouseup", {"x": 10, "y": 20, "button": 0}),
        ("click", {"x": 10, "y": 20, "dx": 3.5, "dy": -2.0, "w": 120, "h": 32}),
        ("wheel", {"dx": 0, "dy": 100}),
        ("scroll", {"x": 0, "y": 400}),
    ):
        t += 30
        rest.append({"type": kind, "t": t, **extra})
    for _ in range(6):
        t += 90
        rest.append({"type": "keydown", "t": t, "key": "letter", "pos": 30})
        t += 80
        rest.append({"type": "keyup", "t": t, "key": "letter", "pos": 30})
    t += 10
    rest.append({"type": "input", "t": t, "input_type": "insertText", "delta": 1, "field": "q2"})
    rest.append({"type": "page", "t": t + 5, "mark": f"Q{index // 10}", "phase": "shown"})
    rest.append({"type": "focus", "t": t + 6, "target": "q2"})
    return moves + rest


def analysis(server: LiveServer, key: str, repeats: int = 60) -> dict[str, Any]:
    """Latency of /analyze on a stored session of 10,000 events."""
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        sid = _sessions(client, 1)[0]
        t = 0.0
        for i in range(100):
            batch = survey_batch(t, i)
            t = batch[-1]["t"] + 20
            response = client.post(
                f"/api/v1/detection/sessions/{sid}/events",
                json={"batch_id": f"a{i}", "events": batch},
            )
            response.raise_for_status()
        timings = []
        cpu_before = cpu.seconds(server_pids(server))
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.post(f"/api/v1/detection/sessions/{sid}/analyze")
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
        spent = cpu.seconds(server_pids(server)) - cpu_before
        count = response.json()["event_count"]
    return _latency(timings) | {
        "event_count": count,
        "server_cpu_ms_per_request": round(spent * 1000 / repeats, 3),
    }


def overview(server: LiveServer, key: str, sessions: int, repeats: int = 100) -> dict[str, Any]:
    seeded = seed.sessions(server.env["BOTSIEVE_DATABASE_URL"], sessions)
    server.cli("rebuild-rollups")
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get("/api/v1/dashboard/overview")
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
        shown = response.json()["totals"]["sessions"]
    return _latency(timings) | {"sessions_stored": seeded, "sessions_in_last_7_days": shown}


def _latency(timings: list[float]) -> dict[str, Any]:
    ordered = sorted(timings)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
    }


def median_of(runs: list[dict[str, Any]], field: str) -> dict[str, Any]:
    """The run with the median ``field``, carrying every run's value of it.

    A load test on a shared two-core machine is noisy (a stall elsewhere, a slower minute);
    several shorter runs and their median say more than one long run.
    """
    ordered = sorted(runs, key=lambda r: r[field])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["runs"] = [r[field] for r in runs]
    return chosen


PARTS = (
    "floor",
    "session_creation",
    "ingest_batch_100",
    "ingest_single_event",
    "analysis_10k_events",
    "overview",
)


def load_average() -> list[float]:
    """The machine's 1-, 5- and 15-minute load averages: a shared machine's figures need them."""
    return [round(x, 2) for x in os.getloadavg()]


def run_database(
    db: str,
    seconds: int,
    sessions: int,
    workers: int = 1,
    repeats: int = 3,
    parts: tuple[str, ...] = PARTS,
) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix=f"botsieve-bench-{db}-") as tmp,
        server_for(db, Path(tmp), workers) as server,
    ):
        key = server.create_key("secret")
        pids, url, work = server_pids(server), server.url, Path(tmp)
        plan = {
            "floor": lambda: median_of(
                [floor(url, seconds, pids) for _ in range(repeats)], "requests_per_s"
            ),
            "session_creation": lambda: median_of(
                [wrk("create.lua", url, seconds, {"BENCH_KEY": key}, pids) for _ in range(repeats)],
                "requests_per_s",
            ),
            "ingest_batch_100": lambda: median_of(
                [ingestion(url, key, seconds, 100, work, pids) for _ in range(repeats)],
                "events_per_s",
            ),
            "ingest_single_event": lambda: median_of(
                [ingestion(url, key, seconds, 1, work, pids) for _ in range(repeats)],
                "requests_per_s",
            ),
            "analysis_10k_events": lambda: analysis(server, key),
            "overview": lambda: overview(server, key, sessions),
        }
        figures: dict[str, Any] = {}
        for part in PARTS:
            if part not in parts:
                continue
            print(f"[{db}] {part}", flush=True)
            figures[part] = plan[part]() | {"load_average": load_average()}
            if part == "ingest_batch_100":
                figures["storage"] = seed.storage_per_event(server.env["BOTSIEVE_DATABASE_URL"])
    return figures


TARGETS = (
    ("Floor: a bare GET /health, 32 clients", "floor", "requests_per_s", "the yardstick", None),
    (
        "Ingestion, 100-event batches, 32 clients",
        "ingest_batch_100",
        "events_per_s",
        ">= 20x floor, p99 <= 100 ms",
        20.0,
    ),
    (
        "Ingestion, one event per request",
        "ingest_single_event",
        "requests_per_s",
        ">= 0.45x floor",
        0.45,
    ),
    ("Session creation", "session_creation", "requests_per_s", ">= 0.65x floor", 0.65),
    (
        "Analysis of a stored 10,000-event session",
        "analysis_10k_events",
        "p50_ms",
        "p50 <= 25 ms",
        None,
    ),
    (
        "Dashboard overview, 1,000,000 sessions stored",
        "overview",
        "p50_ms",
        "p50 <= 50 ms",
        None,
    ),
)
CPU_ROWS = (
    ("Server CPU per GET /health", "floor", "server_cpu_ms_per_request", "ms"),
    ("Server CPU per session created", "session_creation", "server_cpu_ms_per_request", "ms"),
    (
        "Server CPU per event, 100-event batches",
        "ingest_batch_100",
        "server_cpu_us_per_event",
        "µs",
    ),
    (
        "Server CPU per single-event request",
        "ingest_single_event",
        "server_cpu_ms_per_request",
        "ms",
    ),
    (
        "Server CPU per analysis (10,000 events)",
        "analysis_10k_events",
        "server_cpu_ms_per_request",
        "ms",
    ),
)


def _cell(result: dict[str, Any], field: str, floor_rps: float | None, goal: float | None) -> str:
    value = f"{result[field]:,.1f} ms" if field.endswith("_ms") else f"{result[field]:,.0f}/s"
    if "p99_ms" in result and field != "p99_ms":
        value += f" (p99 {result['p99_ms']:,.1f} ms)"
    if goal is not None and floor_rps:
        value += f", {result[field] / floor_rps:.2f}x floor"
    return value


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    dbs = list(results["databases"])
    lines = [
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), "
        f"{m['memory_gib']} GiB, Python {m['python']}, SQLite {m['sqlite']}; load from wrk "
        f"on the same machine, server with default settings (one worker unless named); each "
        f"throughput is the median of {results['method']['repeats']} runs of "
        f"{results['method']['seconds']} s, and each is also given as a ratio to the floor "
        f"measured on the same server in the same run. Command: `make bench`.",
        "",
        "| figure | target | " + " | ".join(dbs) + " |",
        "| --- | --- | " + " | ".join("---" for _ in dbs) + " |",
    ]
    for label, key, field, target, goal in TARGETS:
        cells = []
        for db in dbs:
            figures = results["databases"][db]
            bare = figures.get("floor", {}).get("requests_per_s")
            cells.append(_cell(figures[key], field, bare, goal) if key in figures else "")
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    storage = [
        f"{results['databases'][db]['storage']['bytes_per_mousemove']:.1f} B"
        if "storage" in results["databases"][db]
        else ""
        for db in dbs
    ]
    lines.append("| Storage per mousemove event | <= 24 B | " + " | ".join(storage) + " |")
    loads = [
        " / ".join(
            f"{results['databases'][db][part]['load_average'][0]:.1f}"
            for part in PARTS
            if "load_average" in results["databases"][db].get(part, {})
        )
        for db in dbs
    ]
    lines.append("| Load average (1 min) after each part | measured | " + " | ".join(loads) + " |")
    for label, key, field, unit in CPU_ROWS:
        cells = []
        for db in dbs:
            value = results["databases"][db].get(key, {}).get(field)
            cells.append("" if value is None else f"{value:,.3f} {unit}")
        lines.append(f"| {label} | measured | " + " | ".join(cells) + " |")
    if "cluster" in results:
        from bench.cluster import cluster_markdown

        lines += ["", cluster_markdown(results["cluster"])]
    if "rolling_restart" in results:
        from bench.rolling import rolling_markdown

        lines += ["", rolling_markdown(results["rolling_restart"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=int, default=10, help="per load run")
    parser.add_argument("--repeats", type=int, default=3, help="load runs per figure (median)")
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument(
        "--workers", type=int, default=0, help="also run PostgreSQL with this many workers"
    )
    parser.add_argument(
        "--cluster",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also three instances behind nginx against one, and a rolling restart (PostgreSQL)",
    )
    parser.add_argument(
        "--out",
        default="service",
        help="results file name: a partial run kept beside the full one, not over it",
    )
    parser.add_argument(
        "--parts", nargs="+", choices=PARTS, default=list(PARTS), help="only these figures"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": machine(),
        "method": {"seconds": args.seconds, "repeats": args.repeats},
        "databases": {},
    }
    runs = [(db, db, 1) for db in args.db]
    if args.workers > 1 and "postgresql" in args.db:
        runs.append((f"postgresql, {args.workers} workers", "postgresql", args.workers))
    for label, db, workers in runs:
        results["databases"][label] = run_database(
            db, args.seconds, args.sessions, workers, args.repeats, tuple(args.parts)
        )
        print(json.dumps(results["databases"][label], indent=2), flush=True)
        _write(results, args.out)  # so far, in case a later part fails
    if args.cluster and "postgresql" in args.db and args.parts == list(PARTS):
        from bench.cluster import run_cluster

        results["cluster"] = with_machine(lambda: run_cluster(args.seconds, args.repeats))
        print(json.dumps(results["cluster"], indent=2), flush=True)
        from bench.rolling import run_rolling

        results["rolling_restart"] = with_machine(lambda: run_rolling(respondents=12, step=150))
        print(json.dumps(results["rolling_restart"], indent=2), flush=True)
    print(_write(results, args.out))


def _write(results: dict[str, Any], name: str) -> str:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (RESULTS / f"{name}.md").write_text(table)
    return table


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
