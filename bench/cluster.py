"""Three instances behind nginx (through PgBouncer, with Redis) against one instance alone, in
the same run, on the same database: throughput, p99 and CPU time per request.

On a two-core machine three instances and their load generator share two cores, so the ratio
of throughputs shows contention more than scale; the CPU time per request is the figure that
says what a larger machine or more of them would do.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from tests.deploy.cluster import Cluster

from bench import cpu, seed
from bench.run import ONE_KEY_LOAD, floor, ingestion, median_of, with_machine, wrk


def _measure(
    url: str, key: str, seconds: int, repeats: int, pids: list[int], work: Path
) -> dict[str, Any]:
    return {
        "floor": median_of([floor(url, seconds, pids) for _ in range(repeats)], "requests_per_s"),
        "session_creation": median_of(
            [wrk("create.lua", url, seconds, {"BENCH_KEY": key}, pids) for _ in range(repeats)],
            "requests_per_s",
        ),
        "ingest_batch_100": median_of(
            [ingestion(url, key, seconds, 100, work, pids) for _ in range(repeats)],
            "events_per_s",
        ),
    }


def run_cluster(seconds: int, repeats: int) -> dict[str, Any]:
    url = seed.create_pg_database(os.environ["BOTSIEVE_TEST_PG_URL"])
    with (
        tempfile.TemporaryDirectory(prefix="botsieve-bench-cluster-") as tmp,
        Cluster(Path(tmp), url, instances=3, **ONE_KEY_LOAD) as cluster,
    ):
        key = cluster.key()
        work = Path(tmp)
        instances = [i.process.pid for i in cluster.instances if i.process is not None]
        helpers = [p.pid for name, p in cluster.helpers.items() if name != "redis-server"]
        print("[cluster] one instance, straight", flush=True)
        alone = _measure(cluster.instances[0].url, key, seconds, repeats, instances[:1], work)
        print("[cluster] three instances behind nginx", flush=True)
        before = cpu.seconds(helpers)
        three = _measure(cluster.url, key, seconds, repeats, instances, work)
        helper_seconds = cpu.seconds(helpers) - before
    requests = sum(three[k]["requests"] for k in three)  # the median runs' requests only
    return {
        "one_instance": alone,
        "three_behind_nginx": three,
        "nginx_and_pgbouncer_cpu_seconds": round(helper_seconds, 2),
        "median_run_requests": requests,
    }


ROWS = (
    ("Floor: GET /health", "floor", "requests_per_s", "/s"),
    ("Session creation", "session_creation", "requests_per_s", "/s"),
    ("Ingestion, 100-event batches", "ingest_batch_100", "events_per_s", " events/s"),
)


def cluster_markdown(results: dict[str, Any]) -> str:
    machine = results.get("machine", {})
    lines = [
        "Three instances behind nginx, on PostgreSQL through PgBouncer (transaction mode), "
        "against one of them alone, in the same run (`bench/cluster.py`). Two cores for "
        "everything, load generator included: the throughput ratio shows contention; the "
        "CPU per request is what carries.",
        "",
        f"Load averages before / after: {machine.get('load_before', '?')} / "
        f"{machine.get('load_after', '?')} (`python -m bench.cluster`, {machine.get('date', '')}).",
        "",
        "| figure | one instance | three behind nginx | ratio | CPU per request, one / three |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, key, field, unit in ROWS:
        one, three = results["one_instance"][key], results["three_behind_nginx"][key]
        lines.append(
            f"| {label} | {one[field]:,.0f}{unit} (p99 {one['p99_ms']:.1f} ms) "
            f"| {three[field]:,.0f}{unit} (p99 {three['p99_ms']:.1f} ms) "
            f"| {three[field] / one[field]:.2f} "
            f"| {one['server_cpu_ms_per_request']:.3f} / "
            f"{three['server_cpu_ms_per_request']:.3f} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    """python -m bench.cluster [seconds] [repeats]: this comparison alone."""
    import json
    import sys

    args = sys.argv[1:]
    seconds = int(args[0]) if args else 10
    repeats = int(args[1]) if len(args) > 1 else 3
    from bench.run import RESULTS

    results = with_machine(lambda: run_cluster(seconds, repeats))
    (RESULTS / "cluster.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "cluster.md").write_text(cluster_markdown(results) + "\n")
    print(cluster_markdown(results))


if __name__ == "__main__":
    main()
